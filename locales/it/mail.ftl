## Emails to customers (bot/mailer.py, handlers/mail_text.py): subjects and paragraphs.
## Each email is plain text and HTML with the same paragraphs.

mail-greeting = Gentile { $name },
mail-signature = Cordiali saluti,
mail-pdf-file = Fattura_{ $number }.pdf
mail-footer-chat = Puoi gestire i tuoi servizi e scriverci dalla chat di { $name } su Telegram.

mail-reminder-subject = { $service } scade { $days ->
    [0] oggi
    [1] domani
   *[other] tra { $days } giorni
    }
mail-reminder-body = il servizio { $service } scade { IL($expiry) }. Rinnovalo per tempo per non interromperlo: puoi farlo dalla chat, con «Rinnova».
mail-reminder-opt-out = Non vuoi più ricevere questi promemoria via email? Puoi disattivarli dalla chat, in «I miei prodotti». Fatture e ricevute ti arriveranno comunque.

mail-tacit_invoice-subject = Fattura { $invoice }: rinnovo di { $service }
mail-tacit_invoice-body = il servizio { $service } è stato rinnovato automaticamente fino { AL($expiry) }.
mail-tacit_invoice-due = In allegato trovi la fattura { $invoice } di { $total }, da saldare entro { IL($due) }; altrimenti il servizio sarà sospeso.

mail-order_paid-subject = Pagamento ricevuto: ordine { $reference }
mail-order_paid-body = abbiamo ricevuto il pagamento di { $total } per l'ordine { $reference }. Grazie!
mail-order_paid-invoice = In allegato trovi la fattura { $invoice }.

mail-cancellation-subject = Disdetta confermata: { $service }
mail-cancellation-body = confermiamo la disdetta del servizio { $service }: resta attivo fino { AL($expiry) } e poi non sarà rinnovato.
mail-cancellation-undo = Se cambi idea prima della scadenza, puoi annullare la disdetta dalla chat, con «Recupera prodotto».

mail-ticket_reply-subject = Risposta alla tua richiesta n. { $ticket }: { $subject }
mail-ticket_reply-body = l'assistenza ha risposto alla tua richiesta n. { $ticket }:
mail-ticket_reply-file = Con la risposta c'è un file: lo trovi nella chat.
mail-ticket_reply-answer = Per rispondere, scrivi nella chat, da «Assistenza».

## The customer's choice in the chat (I miei prodotti)
btn-reminder-emails-off = Disattiva promemoria email
btn-reminder-emails-on = Attiva promemoria email
mail-prefs-off = Fatto: non ti invieremo più i promemoria di scadenza via email. Fatture e ricevute continueranno ad arrivare a { $address }.
mail-prefs-on = Fatto: ti invieremo di nuovo i promemoria di scadenza via email, a { $address }.
mail-prefs-no-email = Non abbiamo un tuo indirizzo email: scrivi all'assistenza per aggiungerlo.

## Support: a document email that could not be delivered (ticket card)
ticket-reason-mail_failed = Motivo: l'email con un documento non è stata consegnata al cliente. Inviarlo in un altro modo e correggere l'indirizzo email del cliente.
ticket-context-document = Documento: { $value }
ticket-context-recipient = Destinatario: { $value }
ticket-context-mail = Email: { $value }
ticket-context-error = Risposta del server: { $value }

## sportello mail send
cli-mail-off = Email disattivate: imposta SPORTELLO_SMTP_HOST per inviarle.
cli-mail-queued = Email accodate: { $count }.
cli-mail-sent = Inviate: { $count }.
cli-mail-retry = Da riprovare: { $count }.
cli-mail-failed = Non consegnabili: { $count }.
