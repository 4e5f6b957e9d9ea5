## Support acting for a customer (issue 12): what the customer reads, what staff read.

# --- the customer's chat ----------------------------------------------------------------
staff-notice-order = Come concordato con il supporto, abbiamo preparato l'ordine { $reference } per il rinnovo di { $name }: { $total }. Puoi pagarlo da qui.
staff-notice-restoration = Come concordato con il supporto, abbiamo preparato l'ordine { $reference } per il ripristino di { $name }, costi di ripristino inclusi: { $total }. Appena lo paghi, il servizio torna attivo.
staff-notice-cancelled = Come ci hai chiesto, { $name } non sarà rinnovato: resta attivo fino { AL($expiry) }. Se cambi idea, puoi recuperarlo da qui.
staff-notice-uncancelled = La disdetta di { $name } è stata annullata: il servizio resta attivo e scade { IL($expiry) }.
staff-notice-quote = Il supporto ti propone il passaggio di { $name } al piano { $plan }: { $total } (preventivo di oggi). Nulla viene addebitato finché non confermi.
staff-btn-see-quote = Vedi il preventivo e conferma
staff-notice-autorenew = Il rinnovo di { $name } ora è: { $mode }.
order_kind-restoration = Ripristino
invoice-what-restoration = Ripristino del servizio

# --- the command line ---------------------------------------------------------------------
staff-cli-args-service = Nome del servizio non valido: «{ $value }» (fino a 200 caratteri, su una riga).
staff-cli-args-plan = Codice del piano non valido: «{ $value }» (es. HOST-PRO).
staff-cli-target = Indica il ticket (--ticket N) oppure il cliente e il servizio (--customer CODICE --service NOME).
staff-cli-bank-ref-alone = --bank-ref va con --amount: l'importo ricevuto da registrare.
staff-cli-register-target = Indica l'ordine (es. SPT-000042) oppure, per un pagamento senza ordine, il cliente e il servizio (--customer CODICE --service NOME), non entrambi.
staff-cli-register-applied = Pagamento di { $amount } per { $service } abbinato al prossimo rinnovo: ordine { $reference } pagato, fattura { $invoice }.
staff-cli-register-unapplied = Pagamento di { $amount } per { $service }: non corrisponde a nessun rinnovo. Registrato come non applicato n. { $id }, ticket n. { $ticket }.
staff-cli-heading = { $code } · { $customer } · { $service }
staff-cli-heading-ticket = Ticket n. { $ticket } · { $code } · { $customer } · { $service }
staff-cli-outcome = Esito
staff-cli-order = Ordine
staff-cli-total = Totale
staff-cli-expires = Scadenza
staff-cli-plan = Piano
staff-cli-mode = Rinnovo
staff-outcome-order_sent = ordine inviato al cliente con «Paga»
staff-outcome-restoration_sent = ordine di ripristino inviato al cliente con «Paga»
staff-outcome-paid = rinnovato, pagamento registrato e fattura emessa
staff-outcome-cancelled = disdetto: resta attivo fino alla scadenza
staff-outcome-uncancelled = disdetta annullata
staff-outcome-quote_sent = preventivo inviato al cliente, che conferma e paga in chat
staff-outcome-mode_set = modalità di rinnovo aggiornata
cli-refused-fee_required = Il periodo di recupero gratuito è finito: indica i costi di ripristino (--fee). Nulla è stato modificato.
cli-refused-nothing_to_undo = Il servizio non è disdetto (o è già scaduto: usa il recupero). Nulla è stato modificato.
cli-refused-nothing_to_recover = Il servizio non è da recuperare (è attivo, o è eliminato da troppo tempo per il ripristino). Nulla è stato modificato.
cli-refused-ticket_without_service = Il ticket non riguarda un servizio: indica anche --service NOME.
cli-refused-target_missing = Indica il ticket oppure il cliente e il servizio.
cli-refused-empty_reason = Scrivi il motivo della disdetta dato dal cliente.
cli-refused-cancel_needs_active = Si può disdire solo un servizio attivo e non scaduto. Nulla è stato modificato.
cli-refused-mode_needs_active = La modalità di rinnovo si cambia solo su un servizio attivo e non scaduto. Nulla è stato modificato.
cli-refused-change_needs_active = Il cambio piano si propone solo per un servizio attivo. Nulla è stato modificato.
cli-refused-not_offline_method = Un pagamento ricevuto si registra solo per bonifico, bollettino o PayPal. Nulla è stato modificato.
cli-refused-unknown_method = Metodo di pagamento sconosciuto. Nulla è stato modificato.
cli-refused-payment_already_registered = Questo riferimento bancario è già registrato. Nulla è stato modificato.
cli-refused-not_renewable = Il servizio non è rinnovabile nello stato attuale. Nulla è stato modificato.
cli-refused-recovery_window_over = Il periodo di recupero gratuito è finito: usa il recupero con i costi di ripristino (--fee). Nulla è stato modificato.
cli-refused-pending_order_exists = C'è già un ordine in attesa di pagamento per questo servizio: nulla è stato modificato.
cli-refused-renewal_already_ordered = Il rinnovo di questo periodo è già in un ordine in attesa: nulla è stato modificato.
cli-refused-change_not_allowed = Questo cambio piano non è consentito. Nulla è stato modificato.
cli-refused-sales_only = Questo cambio piano passa dall'ufficio commerciale. Nulla è stato modificato.
cli-refused-quote_expired = I prezzi sono cambiati: riprova. Nulla è stato modificato.

# --- the support group ---------------------------------------------------------------------
staff-desk-panel = Azioni per il cliente del ticket n. { $ticket }. Con argomenti: /rinnova [metodo] [importo riferimento], /disdici motivo, /recupera [costi di ripristino], /preventivo PIANO, /rinnovoauto si|no, /pagamento importo riferimento.
staff-btn-renew = Rinnova
staff-btn-recover = Recupera
staff-btn-uncancel = Annulla disdetta
staff-btn-auto-on = Rinnovo automatico: sì
staff-btn-auto-off = Rinnovo automatico: no
staff-desk-done = { $staff } · { $service }: { $what }.
staff-desk-not-found = Ticket o servizio non trovato.
staff-desk-payment-applied = { $staff }: pagamento di { $amount } abbinato al prossimo rinnovo di { $service }: ordine { $reference } pagato, fattura { $invoice }.
staff-desk-payment-unapplied = { $staff }: pagamento di { $amount } non corrisponde a nessun rinnovo: registrato come non applicato n. { $id }, ticket n. { $ticket }.
staff-desk-payment-duplicate = Il riferimento { $bank_ref } è già registrato: nulla è stato modificato.
staff-usage-renew = Uso: /rinnova [bonifico|bollettino|paypal|carta] [importo riferimento], es. /rinnova bonifico 73,20 CRO123
staff-usage-cancel = Uso: /disdici motivo dato dal cliente
staff-usage-recover = Uso: /recupera [costi di ripristino IVA esclusa], es. /recupera 25
staff-usage-quote = Uso: /preventivo CODICE_PIANO, es. /preventivo HOST-PRO
staff-usage-autorenew = Uso: /rinnovoauto si oppure /rinnovoauto no
staff-usage-payment = Uso: /pagamento importo riferimento, es. /pagamento 73,20 CRO123
