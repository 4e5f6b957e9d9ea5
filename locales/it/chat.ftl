# The conversation with the customer.

## Menu, help, commands

menu-greeting = Ciao { $name }! Sono Sportello, l'assistente clienti. Cosa vuoi fare?
menu-prompt = Cosa vuoi fare?
help-text =
    Posso aiutarti con i tuoi servizi:
    • I miei prodotti: scadenze, piani, stato e rinnovo di ogni servizio
    • Rinnova: rinnovare uno o più servizi e pagare
    • Non rinnovare: disdire un servizio
    • Recupera prodotto: riattivare un servizio disdetto o scaduto
    • Upgrade / cambio piano: preventivi esatti e cambio di piano
    • Ordini e fatture: pagamenti in sospeso, fatture emesse
    • Assistenza: ticket per il supporto
    Puoi anche scrivermi, per esempio «vorrei rinnovare il dominio» o «quanto costa passare al piano Pro?».
    Comandi: /menu, /aiuto, /annulla (esce da qualsiasi operazione), /ticket.
    Se preferisci una persona, scrivi «voglio parlare con un operatore».
cancelled-flow = Operazione annullata: non è stato modificato nulla.
nothing-to-cancel = Non c'è nessuna operazione in corso.
link-needed = Questa chat non è ancora collegata a un cliente. Chiedi al tuo fornitore il codice di collegamento.
history-masked = (dato riservato)
attachment-photo = [foto]
attachment-document = [documento]
card-refused = Qui non serve il numero della carta: lo chiedo solo al momento di pagare con carta. Il messaggio non è stato salvato né usato.
card-refused-invoices = Non chiediamo mai il numero della carta in chat: per pagare con carta si usa il modulo di pagamento di Telegram. Il messaggio non è stato salvato né usato.
card-message-deleted = Ho cancellato il tuo messaggio dalla chat perché conteneva il numero di una carta.

btn-products = I miei prodotti
btn-renew = Rinnova
btn-cancel = Non rinnovare
btn-recover = Recupera prodotto
btn-change = Upgrade / cambio piano
btn-orders = Ordini e fatture
btn-support = Assistenza
btn-menu = Menu principale
btn-abort = Annulla
btn-back = ◀ Indietro
btn-next = Avanti ▶
btn-ticket = Apri un ticket
btn-operator = Parla con un operatore

## Errors and refusals

err-stale-button = Questa azione non è più valida: nulla è stato modificato. Ecco il menu aggiornato.
err-too-long = Il messaggio è troppo lungo (massimo { $limit } caratteri): non l'ho elaborato.
err-unknown-command = Non conosco il comando /{ $command }. Prova /aiuto.
err-retry-later = Il servizio è momentaneamente non disponibile: riprova tra poco. Nulla è stato modificato.
err-not-found = Non trovo quello che hai chiesto tra i tuoi servizi: nulla è stato modificato.
err-not-allowed = Questa operazione non è possibile per questo servizio nel suo stato attuale.
err-generic = Qualcosa non è andato a buon fine e nulla è stato modificato. Vuoi aprire un ticket per il supporto?
err-change-dedicated = Il downgrade dei server dedicati non è previsto. Per ridurre le risorse puoi aprire un ticket: un commerciale ti proporrà una soluzione.
err-sales-only = Le soluzioni personalizzate si modificano con il tuo commerciale di riferimento. Vuoi che apra un ticket per l'ufficio commerciale?
err-pending-order = Per { $service } c'è già l'ordine { $reference } in attesa di pagamento: pagalo o annullalo da Ordini e fatture prima di disdire.
err-renewal-ordered = Per questo periodo c'è già l'ordine { $reference } in attesa di pagamento: lo trovi in Ordini e fatture.
err-ticket-closed = Il ticket è chiuso: se serve, aprine uno nuovo.
err-recovery-over = Sono passati più di { $days ->
        [one] un giorno
       *[other] { $days } giorni
    } dalla scadenza: il recupero lo gestisce il supporto. Usa «Recupera prodotto» per aprire la richiesta.

## Free text

router-unsure = Non sono sicuro di aver capito. Intendevi una di queste cose?
router-offer-ticket = Non riesco a capire la richiesta. Vuoi che apra un ticket per un operatore, con la nostra conversazione?

## I miei prodotti

products-title = I miei prodotti
products-empty = Non hai servizi attivi.
products-lapsed-title = Prodotti scaduti o disdetti
# $mode: the renewal mode's key (automatico, su_richiesta).
products-line = • { $name } · { $plan }
    {"  "}{ $price } + IVA · Scadenza { $expiry } · Rinnovo { $mode ->
        [automatico] automatico
       *[su_richiesta] su richiesta
    } · { $state }
products-page = Pagina { $page } di { $pages }
products-pick = Scegli un servizio per vedere cosa puoi fare.
product-detail =
    { $name }
    Piano: { $plan } ({ $category })
    Costo: { $price } + IVA
    Scadenza: { $expiry }
    Rinnovo: { $mode }
    Stato: { $state }
product-detail-days-left = { $days ->
    [0] Scade oggi.
    [one] Scade domani.
   *[other] Scade tra { $days } giorni.
    }
product-detail-expired = { $days ->
        [0] Scaduto oggi
        [one] Scaduto ieri
       *[other] Scaduto da { $days } giorni
    }: recuperabile senza costi aggiuntivi fino { AL($until) }.
product-detail-expired-late = Scaduto da { $days ->
        [one] un giorno
       *[other] { $days } giorni
    }: il recupero richiede l'intervento del supporto.
product-detail-cancelled = Disdetto: resta attivo fino { AL($expiry) }; puoi ancora recuperarlo fino { AL($until) }.
product-detail-suspended = Sospeso per una fattura non saldata: pagala da Ordini e fatture per riattivarlo.
product-detail-pending-change = Passerà al piano { $plan } { DAL($date) }.
btn-renew-now = Rinnova ora
btn-mode-auto = Passa al rinnovo automatico
btn-mode-manual = Passa al rinnovo su richiesta
btn-all-products = ◀ I miei prodotti
mode-set-automatico = Il rinnovo di { $name } ora è automatico.
mode-set-su_richiesta = Il rinnovo di { $name } ora è su richiesta.
mode-explain-automatico = Alla scadenza lo rinnoveremo noi e riceverai la fattura da saldare entro { $days ->
        [one] un giorno
       *[other] { $days } giorni
    }.
# $reminders: the reminder days as one list ("30, 7 e 1 giorni"); $count: how many.
mode-explain-su_richiesta = { $count ->
        [0] Lo rinnoverai tu, con «Rinnova ora».
       *[other] Lo rinnoverai tu, con «Rinnova ora»; ti ricorderemo la scadenza { $reminders } prima.
    }
# A list of day counts with one noun: $days is "30, 7 e 1"; $plural is the only count, or
# how many counts the list holds (so "30, 7 e 1 giorni", "1 giorno", "7 giorni").
days-list = { $days } { $plural ->
        [one] giorno
       *[other] giorni
    }

## Rinnova

renew-pick = Quali servizi vuoi rinnovare? Tocca per selezionare, poi «Continua».
renew-none = Non hai servizi da rinnovare in questo momento.
renew-option = { $mark } { $name } · { $price } + IVA
renew-continue = Continua
renew-nothing-selected = Seleziona almeno un servizio.
renew-review-title = Ecco il riepilogo del rinnovo:
renew-review-line = • { $name }: { $amount } + IVA, { DAL($from) } { AL($to) }

## Preventivi

quote-subtotal = Imponibile: { $amount }
quote-vat = IVA { $rate }%: { $amount }
quote-total = Totale: { $amount }
quote-change-title = Cambio di { $service }: da { $from } a { $to } ({ $price } + IVA)
quote-credit = Credito per il piano attuale non usufruito: { $amount }
quote-fee = Costo una tantum di cambio piano: { $amount }
quote-upgrade-free = Upgrade fino alla scadenza: gratuito (meno di { $days ->
        [one] un giorno
       *[other] { $days } giorni
    } alla scadenza, rinnovo richiesto)
quote-renewal-included = Rinnovo con il nuovo piano fino { AL($to) }: { $amount }
quote-new-expiry = Nuova scadenza: { $date }
quote-expiry-unchanged = La scadenza resta { IL($date) }.
quote-effective = Il cambio avrà effetto { DAL($date) }; fino ad allora resti sul piano attuale.
quote-renewal-required = Rinnovo richiesto ora: a meno di { $days ->
        [one] un giorno
       *[other] { $days } giorni
    } dalla scadenza l'upgrade è gratuito, ma va pagato subito il rinnovo con il nuovo piano.
quote-forfeited = Il credito residuo di { $amount } non è rimborsabile.
quote-valid = Preventivo valido fino alla fine di oggi.

## Pagamento

pay-choose = Scegli il metodo di pagamento:
pay-chosen = Metodo scelto: { $method }. Controlla il riepilogo e premi «Procedi al pagamento».
btn-pay = Procedi al pagamento
btn-change-method = Cambia metodo
btn-confirm-free = Conferma
pay-card-ask = Inserisci il numero della carta. Ambiente di prova: 4242 4242 4242 4242 va a buon fine, 4000 0000 0000 0002 viene rifiutata.
pay-card-invalid = Il numero della carta non è valido: scrivi le 16 cifre, oppure /annulla.
pay-paid = Pagamento riuscito: { $total }. Fattura n. { $invoice }.
pay-paid-free = Fatto: non c'era nulla da pagare.
pay-renewed = • { $name } rinnovato fino { AL($until) }
pay-changed = • { $name } ora è sul piano { $plan }
pay-scheduled = • { $name } passerà al piano { $plan } { DAL($date) }
# $kind: the order's kind (renewal, change, tacit); $count: how many services it renews.
pay-pending = Ordine { $reference } registrato, in attesa di pagamento ({ $total }). { $kind ->
        [change] Il cambio di piano sarà confermato quando registreremo il pagamento.
       *[other] { $count ->
            [one] Il servizio sarà rinnovato
           *[other] I servizi saranno rinnovati
        } quando registreremo il pagamento.
    }
pay-instructions-bonifico = Bonifico bancario a { $holder }, IBAN { $iban }, importo { $total }, causale { $reference }.
pay-instructions-bollettino = Bollettino postale sul conto corrente { $account } intestato a { $holder }, importo { $total }, causale { $reference }.
pay-instructions-paypal = PayPal all'indirizzo { $address }, importo { $total }, indicando { $reference } nella nota.
pay-failed = Pagamento non riuscito ({ $reason }). L'ordine { $reference } resta in attesa: puoi riprovare ora o più tardi da Ordini e fatture.
pay-failure-declined = carta rifiutata
pay-failure-invalid_card = carta non valida
pay-failure-other = errore del circuito di pagamento
pay-quote-expired = Il preventivo non è più valido (era di un altro giorno o il servizio è cambiato). Ecco quello aggiornato: nulla è stato addebitato.
btn-retry-payment = Riprova il pagamento

## Non rinnovare

cancel-pick = Quale servizio non vuoi rinnovare?
cancel-none = Non hai servizi attivi da disdire.
reason-price = Costo troppo alto
reason-provider = Passo a un altro fornitore
reason-unused = Non mi serve più
reason-technical = Problemi tecnici
reason-other = Altro motivo
cancel-reason-write = Scrivi il motivo in un messaggio.
cancel-ask-name = Per confermare, scrivi il nome e cognome dell'intestatario del contratto.
cancel-name-ok = Nome verificato. Confermi che { $name } non sarà rinnovato? Premi «Ok».
cancel-name-wrong = Il nome non corrisponde all'intestatario. { $left ->
    [one] Ti resta un tentativo.
   *[other] Ti restano { $left } tentativi.
    }
cancel-abandoned = Disdetta annullata dopo tre tentativi: non è stato modificato nulla.
btn-ok = Ok
cancel-done = Fatto: { $name } non sarà rinnovato. Ora lo trovi in «Prodotti scaduti o disdetti»; resta attivo fino { AL($expiry) } e puoi recuperarlo fino { AL($until) } con «Recupera prodotto».

## Recupera prodotto

recover-pick = Quale servizio vuoi recuperare?
recover-none = Non hai servizi disdetti o scaduti da recuperare.
recover-ask = Vuoi recuperare { $name }?
recover-reinstated = Disdetta annullata: { $name } resta attivo, con scadenza { $expiry }. Non ti è stato addebitato nulla.
recover-renewal = { $name } è scaduto { $days ->
        [0] oggi
        [one] ieri
       *[other] da { $days } giorni
    }: puoi recuperarlo senza costi aggiuntivi pagando il rinnovo ({ DAL($from) } { AL($to) }) entro { IL($until) }.
recover-ticket = { $name } è scaduto da { $days ->
        [one] un giorno
       *[other] { $days } giorni
    }: oltre { $window ->
        [one] un giorno
       *[other] i { $window } giorni
    } il recupero prevede costi di ripristino e lo gestisce il supporto. Ho aperto il ticket n. { $ticket }: ti risponderemo qui con il preventivo.

## Upgrade / cambio piano

change-pick = Di quale servizio vuoi cambiare piano?
change-none = Non hai servizi attivi di cui cambiare piano.
change-options = Piani disponibili per { $name } (ora { $plan }, { $price } + IVA):
change-option = { $plan } · { $price } + IVA
change-no-options = Per { $name } non ci sono altri piani disponibili. Vuoi chiedere al supporto?
btn-sales-ticket = Apri ticket commerciale
change-sales-opened = Ho aperto il ticket n. { $ticket } per l'ufficio commerciale: ti risponderemo qui.

## Ordini e fatture

orders-title = Ordini
orders-none = Non hai ordini.
orders-line = • { $reference } · { $date } · { $kind } · { $total } · { $status }
btn-pay-order = Paga { $reference }
btn-cancel-order = Annulla { $reference }
order-pay-card = Paga con carta
order-detail = Ordine { $reference } · { $total } · { $status }
# $kind: the order's kind (renewal, change, tacit); $count: how many services it renews.
order-cancel-ask = Vuoi annullare l'ordine { $reference } ({ $total })? { $kind ->
        [change] Il piano non cambierà.
       *[other] { $count ->
            [one] Il servizio non sarà rinnovato.
           *[other] I servizi non saranno rinnovati.
        }
    }
order-cancelled = Ordine { $reference } annullato.
order-not-pending = L'ordine { $reference } non è più in attesa di pagamento ({ $status }).
btn-yes-cancel-order = Sì, annulla l'ordine
btn-keep-order = No, tienilo

## Assistenza

support-menu = Assistenza: cosa vuoi fare?
btn-new-ticket = Apri un ticket
btn-my-tickets = I miei ticket
support-category = Di cosa si tratta?
ticket_category-tecnico = Problema tecnico
ticket_category-pagamenti = Pagamenti e fatture
ticket_category-commerciale = Commerciale
ticket_category-altro = Altro
support-describe = Descrivi la richiesta in un messaggio: la inoltrerò al supporto.
support-opened = Ticket n. { $ticket } aperto. Ti risponderemo in questa chat; puoi aggiungere dettagli da «I miei ticket».
support-none = Non hai ticket.
support-line = • n. { $ticket } · { $subject } · { $status }
support-last = Ultimo messaggio: { $text }
btn-write-ticket = Scrivi sul ticket n. { $ticket }
support-write = Scrivi il messaggio da aggiungere al ticket n. { $ticket }.
support-added = Messaggio aggiunto al ticket n. { $ticket }.
operator-opened = Ho aperto il ticket n. { $ticket } con la nostra conversazione: un operatore ti risponderà qui al più presto.

## Collegamento a Telegram

link-invalid = Il codice di collegamento non è valido. Controllalo e riprova, oppure chiedine uno nuovo al tuo fornitore.
link-used = Questo codice di collegamento è già stato usato. Chiedine uno nuovo al tuo fornitore.
link-expired = Questo codice di collegamento è scaduto. Chiedine uno nuovo al tuo fornitore.
link-rate_limited = Troppi tentativi con codici non validi: riprova tra un'ora.
unlink-ask = Vuoi scollegare questa chat dal tuo account? Non potrai più gestire i servizi da qui finché non la ricolleghi con un nuovo codice.
btn-unlink = Sì, scollega
unlinked = Chat scollegata. Per ricollegarla ti servirà un nuovo codice.

## Pagamento con Telegram

pay-invoice = Ordine { $reference }: ti ho inviato la richiesta di pagamento con carta ({ $total }). Il servizio sarà aggiornato appena il pagamento sarà confermato.
invoice-title = Ordine { $reference }
invoice-description = { $what } · totale IVA inclusa
invoice-what-renewal = Rinnovo servizi
invoice-what-change = Cambio piano
invoice-what-tacit = Rinnovo automatico
invoice-mismatch = Il pagamento non corrisponde più all'ordine: nulla è stato addebitato. Riprova da Ordini e fatture.

## Avvisi

notice-text-reminder = { $name } scade { $days ->
        [0] oggi
        [1] domani
       *[other] tra { $days } giorni
    }, { IL($expiry) }. Rinnovalo ora per non interrompere il servizio.
notice-text-tacit_invoice = { $name } è stato rinnovato automaticamente fino { AL($expiry) }. La fattura { $invoice } di { $total } va saldata entro { IL($due) }, altrimenti il servizio sarà sospeso.
notice-text-suspended_unpaid = { $name } è sospeso perché la fattura { $invoice } non è stata saldata. Pagala per riattivarlo subito.
notice-text-expired = { $name } è scaduto { IL($expiry) } ed è sospeso. Puoi recuperarlo senza costi aggiuntivi fino { AL($until) }.
notice-text-cancelled_expired = { $name }, che avevi disdetto, è giunto a scadenza ed è sospeso. Se ci ripensi, puoi recuperarlo fino { AL($until) }.
notice-text-deleted = { $name } è stato eliminato al termine del periodo di recupero. Per un ripristino a pagamento apri un ticket.
notice-text-plan_changed = Da oggi { $name } è sul piano { $plan }.
notice-text-order_paid = Abbiamo registrato il pagamento dell'ordine { $reference } ({ $total }). Grazie!

## Ticket dal supporto

ticket-staff-reply = Risposta del supporto sul ticket n. { $ticket }:
    { $text }
ticket-closed-notice = Il ticket n. { $ticket } è stato chiuso. Se serve altro, scrivimi pure.
btn-reply-ticket = Rispondi
err-slow-down = Stai scrivendo molto velocemente: attendi un attimo, poi riprova. I messaggi di questi secondi non sono stati elaborati.
