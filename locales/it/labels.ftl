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
    Cosa stava facendo: { $doing }
support-card-message = Messaggio: { $text }
support-card-conversation = Conversazione:
support-card-status = Stato: { $status }
support-customer-message = Il cliente scrive sul ticket n. { $ticket }:
    { $text }
support-topic = #{ $ticket } { $customer }
support-btn-take = Prendi in carico
support-btn-close = Chiudi
support-taken = Preso in carico da { $staff }.
support-closed = Chiuso da { $staff }.
support-not-member = Solo i membri del gruppo di supporto possono gestire i ticket.
support-unknown-ticket = Non trovo il ticket di questo messaggio: rispondi al messaggio del ticket o scrivi nel suo argomento.
support-card-no-service = nessuno
support-doing-none = nulla di particolare

# Bot commands, as Telegram lists them.
command-start = Inizia e collega il tuo account
command-menu = Menu principale
command-aiuto = Cosa posso fare per te
command-annulla = Annulla l'operazione in corso
command-ticket = Apri una richiesta di assistenza
