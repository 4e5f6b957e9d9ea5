# The command line (provider and support staff).

cli-demo-loaded = Dati dimostrativi caricati: { $plans } piani, { $customers } clienti, { $services } servizi.
cli-demo-customer = Cliente { $code } · { $name }
cli-demo-service = { $name } · { $plan } · { $price }/anno IVA esclusa · Scadenza { $expiry } · Rinnovo { $mode } · { $state }
cli-demo-lapsed_title = Prodotti scaduti o disdetti
cli-demo-today = Oggi è { IL($today) }. Politica di cambio piano: { $policy }.

cli-import-ok = Importati { $plans } piani, { $customers } clienti e { $services } servizi.
cli-import-failed = Importazione non riuscita: nessun dato è stato importato.
cli-import-problem = { $where } · { $field }: { $message }

cli-lifecycle-done = Ciclo di vita { DEL($today) }: { $summary }.
cli-lifecycle-count = { $name } { $count }
cli-lifecycle-notice = { $kind } · cliente { $customer } · servizio { $service } · { $ref }
cli-lifecycle-none = Nessun avviso da inviare.

cli-counts-plan_changes = cambi piano
cli-counts-reminders = promemoria
cli-counts-renewed_on_sight = rinnovi automatici
cli-counts-suspended_unpaid = sospensioni per mancato pagamento
cli-counts-expired = scadenze
cli-counts-deleted = eliminazioni

cli-payments-registered = Pagamento registrato per l'ordine { $reference } ({ $total }): stato { $status }.
cli-payments-review = Attenzione: l'ordine va verificato dal supporto (servizio non più rinnovabile).
cli-invoices-credit_note = Emessa la nota di credito { $number } sulla fattura { $invoice }: { $subtotal } + IVA { $vat } = { $total }.
cli-migrate-done = Schema del database aggiornato.

cli-error-not_found = Non trovato: { $what }.
cli-error-bad_date = Data non valida: { $value } (usa AAAA-MM-GG).
cli-error-config = Configurazione non valida: { $detail }
cli-error-database = Database non raggiungibile: { $detail }
cli-error-amount = Importo non accettato: { $got } (atteso: { $expected }).
cli-error-generic = Operazione non riuscita: { $detail }

terminal-hint = Chat di prova di Sportello. Scrivi il numero o il nome di un pulsante per premerlo, oppure un messaggio. /esci, Ctrl-D o Ctrl-C per uscire.
terminal-bye = Chat chiusa. Arrivederci!
cli-intent-result = Intento: { $intent } (punteggio { $score })
cli-intent-runner = Seconda ipotesi: { $intent } (punteggio { $score })
cli-intent-service = Servizio individuato: { $service }
cli-intent-no-service = Servizio individuato: nessuno

cli-run-started = Sportello è in linea su Telegram ({ $framework }). Ctrl-C per fermarlo.
cli-error-token-missing = Manca { $name }: crea il bot con @BotFather e imposta il token nell'ambiente o nel file .env.
cli-link-code = Codice di collegamento per { $name } ({ $customer }): { $code } · valido una volta, fino { AL($expires) } alle { $hour }.
cli-link-deep = Link diretto: { $url }
cli-link-manual = Nella chat con il bot, il cliente scrive: /start { $code }
cli-unlink-done = Chat scollegate per { $customer }: { $count }.
cli-tickets-none = Nessun ticket aperto.
cli-tickets-line = n. { $ticket } · { $status } · cliente { $customer } · { $date } · { $subject }
cli-tickets-message = [{ $kind } { $who } · { $date }] { $text }
cli-tickets-replied = Risposta aggiunta al ticket n. { $ticket }: il bot la recapiterà al cliente.
cli-tickets-closed = Ticket n. { $ticket } chiuso.
cli-lifecycle-more = … e altri { $count } avvisi, in coda per l'invio.
