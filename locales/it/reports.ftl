# «Seeing the day» (issue 12): the daily digest, the cancellations announced in the support
# group, and the support commands `digest`, `customers show`, `orders list`, `cancellations`.

reports-digest-title = Riepilogo { DEL($today) }
reports-section = { $what } ({ $count })
reports-empty = nessuno
reports-group-line = • { $text }

reports-title-expiring = Servizi in scadenza entro { $days } giorni senza ordine
reports-title-suspended = Sospesi oggi
reports-title-transfers = Bonifici in attesa da più di { $days } giorni
reports-title-on_sight = Fatture a vista da pagare
reports-title-cancellations = Disdette del giorno
reports-title-unapplied = Pagamenti non abbinati
reports-title-tickets = Ticket aperti

reports-col-customer = Cliente
reports-col-service = Servizio
reports-col-services = Servizi
reports-col-plan = Piano
reports-col-expiry = Scadenza
reports-col-days = Giorni
reports-col-days_left = Giorni rimasti
reports-col-mode = Rinnovo
reports-col-order = Ordine
reports-col-kind = Tipo
reports-col-method = Metodo
reports-col-status = Stato
reports-col-total = Totale
reports-col-amount = Importo
reports-col-since = Dal
reports-col-invoice = Fattura
reports-col-issued = Emessa il
reports-col-paid = Pagata
reports-col-cancelled_on = Disdetto il
reports-col-reason = Motivo
reports-col-number = N.
reports-col-bank_ref = Rif. bancario
reports-col-ticket = Ticket
reports-col-subject = Oggetto
reports-col-chat = Chat
reports-col-when = Quando
reports-col-who = Chi
reports-col-what = Su
reports-col-action = Azione
reports-col-consent = Condizioni
reports-consent-terms = accettate v. { $version }, { $date }
reports-consent-support = ordine del supporto ({ $name })

reports-customer = { $code } { $name }
reports-ticket = n. { $ticket }
reports-days = { $days ->
    [one] { $days } giorno
   *[other] { $days } giorni
}
reports-yes = sì
reports-no = no
reports-no-reason = (nessun motivo indicato)
reports-blocked = { $what } (ha bloccato il bot)
reports-who-customer = cliente
reports-who-support = { $name } (supporto)
reports-who-system = Sportello

reports-cancellation = Disdetta: { $customer } · { $service } · attivo fino { AL($expiry) }
    Motivo: { $reason }
reports-cancellation-staff = Disdetta registrata da { $staff }: { $customer } · { $service } · attivo fino { AL($expiry) }
    Motivo: { $reason }

reports-customer-title = Cliente { $code } · { $name }
reports-customer-contact = Email: { $address } · Codice fiscale: { $code } · Partita IVA: { $number } · Metodo preferito: { $method }
reports-customer-billing = Indirizzo di fatturazione: { $address } · Codice destinatario: { $code } · PEC: { $pec } · Promemoria via email: { $reminders }
reports-customer-services = Servizi
reports-customer-orders = Ordini
reports-customer-invoices = Fatture
reports-customer-tickets = Ticket
reports-customer-chats = Chat collegate
reports-customer-audit = Ultime operazioni

reports-orders-none = Nessun ordine.
reports-cancellations-title = Disdette { DAL($from) }
reports-cancellations-none = Nessuna disdetta { DAL($from) }.
reports-args-days = Numero di giorni non valido: «{ $value }» (un intero da 0 a 3650).

# `customers show`: what an audit entry did (an action not listed shows its code).
reports-action-assigned = preso in carico
reports-action-staff_renew = rinnovo dal supporto
reports-action-staff_cancel = disdetta dal supporto
reports-action-staff_uncancel = disdetta annullata dal supporto
reports-action-staff_recover = recupero dal supporto
reports-action-staff_quote = preventivo inviato dal supporto
reports-action-staff_autorenew = rinnovo automatico cambiato dal supporto
reports-action-staff_payment = pagamento senza ordine registrato
reports-action-rated = valutazione del ticket
reports-action-rating_comment = commento alla valutazione
reports-action-reopened = riaperto
reports-action-restored = ripristinato
reports-action-cancel_undone = disdetta annullata
reports-action-cancelled = disdetta
reports-action-card_failed = pagamento con carta non riuscito
reports-action-card_succeeded = pagato con carta
reports-action-change_scheduled = cambio piano programmato
reports-action-chat_linked = chat collegata
reports-action-chat_unlinked = chat scollegata
reports-action-chats_unlinked = chat scollegate
reports-action-closed = chiuso
reports-action-created = creato
reports-action-credit_note = nota di credito
reports-action-deleted = eliminato
reports-action-link_code_created = codice di collegamento creato
reports-action-link_failed = codice di collegamento errato
reports-action-message = messaggio
reports-action-opened = aperto
reports-action-paid = pagato
reports-action-plan_changed = piano cambiato
reports-action-reactivated = riattivato
reports-action-renewal_mode = modalità di rinnovo cambiata
reports-action-renewed = rinnovato
reports-action-unapplied = pagamento non abbinato
reports-action-unapplied_applied = pagamento non abbinato applicato
reports-action-unapplied_refunded = pagamento non abbinato restituito
reports-action-voided = annullato d'ufficio
reports-action-import_create = importato
reports-action-import_update = aggiornato da importazione
reports-action-reminder = promemoria inviato
reports-action-expired = scaduto
reports-action-suspended = sospeso
