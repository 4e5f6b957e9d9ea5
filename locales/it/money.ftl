## Orders that no longer fit their services, money that could not be applied.

void_reason-plan_changed = il servizio ha cambiato piano dopo l'ordine
void_reason-period_changed = il servizio è stato rinnovato o il suo periodo è cambiato dopo l'ordine
void_reason-status_changed = lo stato del servizio è cambiato dopo l'ordine
void_reason-deleted = il servizio è stato eliminato
void_reason-grace_over = il pagamento non è arrivato in tempo e il servizio è stato eliminato

order-void = L'ordine { $reference } è stato annullato d'ufficio: { $reason }. Non è stato addebitato nulla. Ti preparo un nuovo preventivo aggiornato?
orders-void-why =     ↳ { $reason }
btn-requote = Nuovo preventivo
pay-requoted = Ecco il preventivo aggiornato.
pay-unapplied = Il pagamento è stato addebitato, ma l'ordine non poteva più riceverlo (già pagato o annullato nel frattempo). Il denaro non è perso: il supporto lo restituirà o lo userà come preferisci. Ticket n. { $ticket }.

flow-order-pending = Per { $service } c'è già l'ordine { $reference } ({ $kind }, { $total }) in attesa di pagamento. Puoi pagarlo oppure annullarlo da «Ordini e fatture» prima di fare altro.

notice-text-order_void = L'ordine { $reference } per { $name } è stato annullato d'ufficio: { $reason }. Se hai già disposto il pagamento, non preoccuparti: lo registreremo e il supporto ti contatterà per restituirlo o usarlo.
notice-text-payment_unapplied = Abbiamo ricevuto un pagamento per l'ordine { $reference }, che però risulta { $status }: non possiamo applicarlo. Il denaro non è perso: il supporto ti contatterà per restituirlo o usarlo per un altro ordine.
notice-text-deleted_unpaid = Il pagamento dell'ordine { $reference } non è arrivato entro i termini: { $name } è stato eliminato e l'ordine annullato. Se hai già pagato, il supporto ti contatterà; per un ripristino a pagamento scrivici.

operator-added = Hai già il ticket n. { $ticket } aperto: ho aggiunto lì la tua richiesta, un operatore ti risponderà qui al più presto.
recover-ticket-note = Il cliente chiede di recuperare il servizio dopo la finestra di recupero gratuito.
ticket-note-dedicated_downgrade = Il cliente chiede di ridurre le risorse di { $name } (piano { $plan }): il downgrade dei server dedicati non è previsto, serve una proposta commerciale.
ticket-note-sales_only = Il cliente chiede una modifica di { $name } (piano { $plan }), che si gestisce con l'ufficio commerciale.

## Command line: payments

cli-counts-deleted_unpaid = eliminazioni con ordine non pagato
cli-counts-orders_voided = ordini annullati d'ufficio
cli-payments-duplicate = Già registrato: il riferimento { $bank_ref } è già stato registrato. Nulla è cambiato.
cli-payments-unapplied = Pagamento NON applicato all'ordine { $reference } ({ $why }): registrato come non applicato n. { $id } ({ $amount }), aperto il ticket n. { $ticket } per il supporto.
unapplied_reason-order_paid = l'ordine è già pagato
unapplied_reason-order_void = l'ordine è annullato d'ufficio
unapplied_reason-order_cancelled = l'ordine è stato annullato
unapplied_reason-amount_mismatch = l'importo non corrisponde all'ordine
unapplied_reason-unknown_order = l'ordine non è stato riconosciuto
unapplied_status-open = da gestire
unapplied_status-applied = applicato
unapplied_status-refunded = restituito
cli-payments-none = Nessun pagamento.
cli-payments-unapplied-none = Nessun pagamento non applicato.
cli-payments-line = { $date } · { $reference } · { $code } { $name } · { $amount } · { $method } · rif. { $ref } · { $by }
cli-payments-unapplied-title = Pagamenti non applicati:
cli-payments-unapplied-line = n. { $id } · { $date } · { $status } · { $amount } · { $method } · rif. { $ref } · ordine { $reference } · { $code } { $name } · { $why } · { $by } · ticket n. { $ticket }
cli-payments-by-support = registrato da { $name }
cli-payments-by-customer = pagato dal cliente
cli-payments-by-system = registrato da Sportello
cli-payments-applied = Pagamento non applicato n. { $id } applicato all'ordine { $reference } ({ $total }): stato { $status }.
cli-payments-refunded = Pagamento non applicato n. { $id } ({ $amount }) chiuso come restituito.

## Why a ticket exists (support group card, command line)

ticket-reason-operator_request = Motivo: il cliente ha chiesto di parlare con un operatore.
ticket-reason-customer_request = Motivo: richiesta di assistenza del cliente.
ticket-reason-late_recovery = Motivo: recupero oltre la finestra gratuita (servizio scaduto { IL($expired_on) }, da { $days_since_expiry } giorni): serve il preventivo di ripristino.
ticket-reason-unapplied_payment = Motivo: pagamento NON applicato di { $amount } ({ $method }, rif. { $bank_ref }) per l'ordine { $order }: { $why }. Restituirlo o applicarlo a un altro ordine: sportello payments refund|apply { $unapplied_id }.
ticket-reason-grace_over = Motivo: l'ordine { $order } ({ $method }) non è stato pagato entro i termini dopo la scadenza { DEL($expired_on) }: ordine annullato e servizio eliminato. Se il pagamento arriva, va restituito o il servizio ripristinato.
ticket-reason-dedicated_downgrade = Motivo: downgrade di un server dedicato richiesto, non previsto in automatico: serve una proposta commerciale.
ticket-reason-sales_only = Motivo: modifica di una soluzione personalizzata, gestita dall'ufficio commerciale.

## Ticket context lines for money (the command line)

ticket-context-reason = Motivo: { $value }
ticket-context-amount = Importo: { $value }
ticket-context-total = Totale dell'ordine: { $value }
ticket-context-bank_ref = Riferimento del pagamento: { $value }
ticket-context-method = Metodo: { $value }
ticket-context-order = Ordine: { $value }
ticket-context-order_status = Stato dell'ordine: { $value }
ticket-context-registered_by = Registrato da: { $value }
ticket-context-unapplied_id = Pagamento non applicato n. { $value }
ticket-context-unapplied_reason = Perché non applicato: { $value }
invoice-void = L'ordine è stato annullato d'ufficio perché il servizio è cambiato: nulla è stato addebitato. Chiedi un nuovo preventivo da Ordini e fatture.
