# Names of things as customers and support read them.

state-attivo = Attivo
state-in_scadenza = In scadenza
state-scaduto = Scaduto
state-disdetto = Disdetto
state-sospeso = Sospeso
state-eliminato = Eliminato

renewal_mode-su_richiesta = Su richiesta
renewal_mode-automatico = Automatico

method-carta = Carta di credito
method-paypal = PayPal
method-bonifico = Bonifico bancario
method-bollettino = Bollettino postale

category-dominio = Dominio
category-hosting = Hosting
category-pec = PEC
category-vps = VPS
category-cloud = Cloud
category-dedicato = Server dedicato
category-colocation = Colocation
category-custom = Soluzione personalizzata

order_status-pending = In attesa di pagamento
order_status-paid = Pagato
order_status-cancelled = Annullato

order_kind-renewal = Rinnovo
order_kind-change = Cambio piano
order_kind-tacit = Rinnovo automatico

ticket_status-aperto = Aperto
ticket_status-in_carico = In carico
ticket_status-chiuso = Chiuso

# A reminder notice, $days before expiry (the days come from SPORTELLO_REMINDER_DAYS).
notice-reminder = Promemoria di scadenza ({ $days ->
        [one] { $days } giorno
       *[other] { $days } giorni
    })
notice-tacit_invoice = Rinnovo automatico con fattura da saldare
notice-suspended_unpaid = Sospeso per fattura non saldata
notice-expired = Scaduto e sospeso
notice-cancelled_expired = Disdetto giunto a scadenza
notice-deleted = Eliminato
notice-plan_changed = Cambio piano applicato
notice-order_paid = Pagamento registrato

# The support group.
support-card =
    Ticket n. { $ticket } · { $category }
    Cliente: { $customer } ({ $code })
    Servizio: { $service }
support-card-message = Messaggio: { $text }
support-card-conversation = Conversazione:
support-card-status = Stato: { $status }
support-customer-message = Il cliente scrive sul ticket n. { $ticket }:
    { $text }
support-btn-take = Prendi in carico
support-btn-close = Chiudi
support-taken = Preso in carico da { $staff }.
support-closed = Chiuso da { $staff }.
support-try-again = Telegram non risponde in questo momento: riprova tra poco.
support-not-member = Solo i membri del gruppo di supporto possono gestire i ticket.
support-unknown-ticket = Non trovo il ticket di questo messaggio: rispondi al messaggio del ticket o scrivi nel suo argomento.
support-card-no-service = nessuno

# Bot commands, as Telegram lists them.
command-start = Inizia e collega il tuo account
command-menu = Menu principale
command-aiuto = Cosa posso fare per te
command-annulla = Annulla l'operazione in corso
command-ticket = Apri una richiesta di assistenza
order_status-void = Annullato d'ufficio
notice-order_void = Ordine annullato d'ufficio
notice-payment_unapplied = Pagamento non applicato
notice-deleted_unpaid = Eliminato con ordine non pagato

# A ticket as support reads it (the command line). Every context key a ticket carries has
# its ticket-context-<key> line; $value is the value, already a name or a date.
ticket-customer = { $code } { $name }
ticket-author-customer = { $code } { $name }
ticket-author-support = Supporto ({ $staff })
ticket-author-system = Sportello
ticket-context-flow = Operazione in corso: { $value ->
        [renew] rinnovo
        [cancel] disdetta
        [pay] pagamento
        [orders] ordini e fatture
        [support] assistenza
        [ticket_rating] voto su un ticket chiuso
        [mode] modalità di rinnovo
        [change] cambio piano
        [recover] recupero
       *[other] { $value }
    }
ticket-context-step = Passo: { $value ->
        [pick] scelta dei servizi
        [method] scelta del metodo di pagamento
        [confirm] conferma
        [card] numero della carta
        [category] scelta della categoria
        [describe] descrizione della richiesta
        [message] messaggio sul ticket
        [cancel] annullamento dell'ordine
        [reason] motivo della disdetta
        [reason_text] motivo della disdetta, scritto dal cliente
        [name] nome dell'intestatario
        [comment] commento al voto
        [reopen] risposta per riaprire il ticket
       *[other] { $value }
    }
ticket-context-action = Azione: { $value ->
        [recover] recupero
        [change_plan] cambio piano
       *[other] { $value }
    }
ticket-context-service = Servizio: { $value }
ticket-context-plan = Piano: { $value }
ticket-context-expired_on = Scadenza: { $value }
ticket-context-days_since_expiry = Scaduto da: { $value ->
        [one] { $value } giorno
       *[other] { $value } giorni
    }
ticket-context-conversation = Conversazione:
ticket-conversation-in = Cliente: { $text }
ticket-conversation-out = Sportello: { $text }
ticket_category-operatore = Richiesta di un operatore
ticket_category-recupero = Recupero dopo la scadenza
