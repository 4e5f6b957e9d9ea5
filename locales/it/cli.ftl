# The command line (provider and support staff).

cli-demo-loaded = Dati dimostrativi caricati: { $plans ->
    [one] 1 piano
   *[other] { $plans } piani
}, { $customers ->
    [one] 1 cliente
   *[other] { $customers } clienti
} e { $services ->
    [one] 1 servizio
   *[other] { $services } servizi
}.
cli-demo-customer = Cliente { $code } · { $name }
# $mode: the renewal mode's key.
cli-demo-service = { $name } · { $plan } · { $price } IVA esclusa · Scadenza { $expiry } · Rinnovo { $mode ->
        [automatico] automatico
       *[su_richiesta] su richiesta
    } · { $state }
cli-demo-lapsed_title = Prodotti scaduti o disdetti
cli-demo-today = Oggi è { IL($today) }. Politica di cambio piano predefinita: { $policy }.

cli-import-ok = Importazione riuscita: { $plans ->
    [one] 1 piano
   *[other] { $plans } piani
}, { $customers ->
    [one] 1 cliente
   *[other] { $customers } clienti
} e { $services ->
    [one] 1 servizio
   *[other] { $services } servizi
} ({ $summary }).
cli-import-failed = Importazione non riuscita: nessun dato è stato importato. { $count ->
    [one] Un problema:
   *[other] { $count } problemi:
}
cli-import-failed-one = Importazione non riuscita: nessun dato è stato importato. { $message }
cli-import-problem = { $where } · { $field }: { $message }

cli-lifecycle-done = Ciclo di vita { DEL($today) }: { $summary }.
cli-lifecycle-count = { $name }: { $count }
cli-lifecycle-notice = { $kind } · { $customer } · { $service } · { $ref }
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

cli-error-bad_date = Data non valida: «{ $value }» (usa AAAA-MM-GG, { DAL($from) } { AL($to) }).
cli-error-database = Database non raggiungibile: { $detail }
cli-error-amount = Importo non accettato: { $got } (atteso: { $expected }).

terminal-hint = Chat di prova di Sportello. Scrivi il numero o il nome di un pulsante per premerlo, oppure un messaggio. /esci, Ctrl-D o Ctrl-C per uscire.
terminal-bye = Chat chiusa. Arrivederci!
cli-intent-result = Richiesta riconosciuta: { $intent } (probabilità { $score }%)
cli-intent-none = Richiesta riconosciuta: nessuna, il messaggio non è stato capito
cli-intent-runner = Seconda ipotesi: { $intent } (probabilità { $score }%)
cli-intent-no-runner = Seconda ipotesi: nessuna
cli-intent-service = Servizio nominato: { $service }
cli-intent-no-service = Servizio nominato: nessuno
cli-intent-category = Tipo di servizio nominato: { $category }
cli-intent-negated = Richieste negate dal cliente: { $what }
cli-intent-name-products = vedere i propri servizi
cli-intent-name-renew = rinnovare un servizio
cli-intent-name-cancel = disdire un servizio
cli-intent-name-recover = ripristinare un servizio scaduto
cli-intent-name-change_plan = cambiare piano
cli-intent-name-orders = ordini e pagamenti
cli-intent-name-ticket = aprire una richiesta di assistenza
cli-intent-name-operator = parlare con un operatore
cli-intent-name-help = aiuto sull'uso del bot
cli-intent-name-greeting = saluto
cli-intent-name-unlink = scollegare questa chat
cli-intent-name-unknown = nessuna
cli-intent-name-other = richiesta «{ $intent }»

cli-run-started = Sportello è in linea su Telegram ({ $framework }). Ctrl-C per fermarlo.
cli-error-token-rejected = Telegram rifiuta il token del bot (SPORTELLO_BOT_TOKEN): controllalo con @BotFather.
cli-run-unreachable = Bot API non raggiungibile (tentativo { $attempt }: { $detail }): riprovo tra { $seconds } s.
cli-error-token-missing = Manca { $name }: crea il bot con @BotFather e imposta il token nell'ambiente o nel file .env.
cli-link-code = Codice di collegamento per { $name } ({ $customer }): { $code } · valido una volta, fino { AL($expires) } alle { $hour }.
cli-link-deep = Link diretto: { $url }
cli-link-manual = Nella chat con il bot, il cliente scrive: /start { $code }
cli-unlink-done = { $count ->
    [0] Nessuna chat da scollegare per { $customer }.
    [one] Scollegata 1 chat di { $customer }.
   *[other] Scollegate { $count } chat di { $customer }.
}
cli-tickets-none = Nessun ticket aperto.
cli-tickets-line = n. { $ticket } · { $status } · { $customer } · { $date } · { $subject }
cli-tickets-line-service = n. { $ticket } · { $status } · { $customer } · { $service } · { $date } · { $subject }
cli-tickets-message = [{ $who } · { $date }] { $text }
cli-tickets-replied = Risposta aggiunta al ticket n. { $ticket }: il bot la recapiterà al cliente.
cli-tickets-closed = Ticket n. { $ticket } chiuso.
cli-lifecycle-more = { $count ->
    [one] … e un altro avviso, in coda per l'invio.
   *[other] … e altri { $count } avvisi, in coda per l'invio.
}

# The import's report: what it wrote, what it would write (--dry-run), what it kept.
cli-import-dry_run = Prova (--dry-run): nessuna modifica è stata salvata. Ecco cosa cambierebbe:
cli-import-dry_run-total = Il file importerebbe { $plans ->
    [one] 1 piano
   *[other] { $plans } piani
}, { $customers ->
    [one] 1 cliente
   *[other] { $customers } clienti
} e { $services ->
    [one] 1 servizio
   *[other] { $services } servizi
}: { $summary }.
cli-import-nothing = Nessuna modifica.
cli-import-count-created = { $count ->
    [one] 1 nuovo
   *[other] { $count } nuovi
}
cli-import-count-updated = { $count ->
    [one] 1 aggiornato
   *[other] { $count } aggiornati
}
cli-import-count-unchanged = { $count ->
    [one] 1 invariato
   *[other] { $count } invariati
}
cli-import-created = { $kind } { $name }: { $gender ->
        [f] nuova
       *[m] nuovo
    }.
cli-import-changed = { $kind } { $name } · { $field }: { $current } → { $value }
cli-import-kept = { $kind } { $name } · { $field }: resta { $current } (nel file: { $value }). Lo stato di fatturazione di un servizio esistente cambia solo con --billing-state.
cli-import-service = { $name } (cliente { $customer })
cli-import-empty = (vuoto)
cli-import-entity-plan = Piano
cli-import-entity-customer = Cliente
cli-import-entity-service = Servizio
cli-import-entity-category = Categoria
cli-import-entity-limit_rule = Regola di downgrade
cli-import-yes = sì
cli-import-no = no
cli-demo-not_empty = Il database contiene già dati ({ $plans ->
    [one] 1 piano
   *[other] { $plans } piani
}, { $services ->
    [one] 1 servizio
   *[other] { $services } servizi
}) ma nessun cliente: i dati dimostrativi si caricano solo in un database vuoto. Importa i clienti con «sportello import FILE».
cli-demo-bad_today = I dati dimostrativi non si caricano con oggi fissato { AL($today) }: alcune scadenze cadrebbero dopo il 2099.
cli-interrupted = Interrotto (Ctrl-C): l'operazione in corso non è stata salvata.
cli-error-internal = Errore imprevisto: { $detail }

# One Italian line for every wrong argument (exit code 2, nothing changed).
cli-args-amount = Importo non valido: «{ $value }». Scrivi un importo in euro maggiore di zero, con al massimo due decimali (es. 12,08).
cli-args-id = Numero non valido: «{ $value }» (un numero intero positivo, es. 42).
cli-args-by = Nome non valido per --by: «{ $value }». Scrivi chi esegue l'operazione (fino a 64 caratteri, su una riga).
cli-args-reason = Motivo non valido: «{ $value }». Scrivi il motivo per esteso (fino a 500 caratteri, su una riga).
cli-args-code = Codice cliente non valido: «{ $value }» (fino a 32 caratteri, es. C001).
cli-args-reference = Riferimento non valido: «{ $value }» (fino a 64 caratteri, su una riga).
cli-args-text = Testo non valido: non può essere vuoto né superare { $limit } caratteri.
cli-args-order = Riferimento d'ordine non valido: «{ $value }» (es. SPT-000042).
cli-args-invoice = Numero di fattura non valido: «{ $value }» (es. 2026/000123).
cli-args-url = Indirizzo non valido: «{ $value }» (deve iniziare con https://).
cli-args-no_command = Manca il comando dopo «{ $what }»: { $allowed }.
cli-args-required = Manca un argomento obbligatorio: { $what }.
cli-args-unknown = Argomento non riconosciuto: { $what }.
cli-args-ambiguous = Opzione ambigua: { $what } (può essere { $allowed }).

cli-args-command = Comando sconosciuto: «{ $value }» (comandi: { $allowed }).
cli-args-choice = Valore non ammesso per { $what }: «{ $value }» (ammessi: { $allowed }).
cli-args-needs_value = Manca il valore di { $what }.
cli-args-no_value = { $what } non accetta un valore.
cli-args-bad_value = Valore non valido per { $what }: { $value }.
cli-args-other = Comando non valido: { $detail }

# Settings (SPORTELLO_* variables or .env): one line, with what each one accepts.
cli-error-settings = Configurazione non valida: { $detail }
cli-error-setting = { $name }=«{ $value }» non è ammesso ({ $allowed })
cli-setting-database_url = un indirizzo sqlite+aiosqlite:///percorso.db o postgresql+asyncpg://utente@host/db
cli-setting-policy = mensilita-residue, pro-rata-giorni, mesi-arrotondati o mese-intero
cli-setting-vat_rate = un numero da 0 a 0.5 con al massimo quattro decimali, es. 0.22 per il 22%
cli-setting-boolean = true o false
cli-setting-reminder_days = giorni da { $min } a { $max } separati da virgole, es. 30,7,1 oppure [30, 7, 1]
cli-setting-days = un numero di giorni da { $min } a { $max }
cli-setting-bot_token = il token di @BotFather, es. 123456789:AA…
cli-setting-integer = un numero intero
cli-setting-webhook_port = una porta da { $min } a { $max }
cli-setting-sweep_hour = un'ora da { $min } a { $max }
cli-setting-seconds = un numero di secondi da { $min } a { $max }
cli-setting-hours = un numero di ore da { $min } a { $max }
cli-setting-other = vedi la tabella Configuration del README

# The database URL (--db or SPORTELLO_DATABASE_URL), checked before anything is opened.
cli-error-db_url = Database non utilizzabile: { $reason }. Nessuna modifica è stata fatta.
cli-db-malformed = l'indirizzo non è un URL di database (es. sqlite+aiosqlite:///sportello.db)
cli-db-unknown_scheme = tipo di database «{ $value }» non supportato (sqlite+aiosqlite o postgresql+asyncpg)
cli-db-wrong_driver = «{ $value }» non è supportato: usa { $expected }
cli-db-missing_driver = manca il driver { $value } (installalo con pip)
cli-db-missing_folder = la cartella { $value } non esiste (Sportello non crea cartelle: creala prima)
cli-db-not_a_database = { $value } non è un database SQLite
cli-db-unreadable = { $value } non è leggibile
cli-db-unusable = il database non si apre ({ $detail })

# Problems in an import file (each after "file:riga · campo: ").
import-problem-syntax = YAML o JSON non valido a questa riga (controlla parentesi, virgolette, due punti e rientri)
import-problem-yaml_alias = ancore e alias YAML (&nome, *nome) non sono ammessi: scrivi ogni valore per intero
import-problem-duplicate_key = la chiave «{ $value }» compare due volte
import-problem-too_deep = struttura troppo annidata
import-problem-too_big = file troppo grande (al massimo { $limit } MB)
import-problem-document = atteso un documento con le liste plans, customers e services
import-problem-file_missing = file non trovato
import-problem-file_is_dir = è una cartella, non un file
import-problem-file_denied = permesso negato
import-problem-file_unreadable = file non leggibile ({ $detail })
import-problem-not_utf8 = il file non è testo UTF-8
import-problem-duplicate = «{ $value }» compare due volte
import-problem-unknown_target = piano sconosciuto o uguale a questo: «{ $value }»
import-problem-not_before_expiry = deve essere precedente a expires_on
import-problem-unknown_customer = cliente sconosciuto: «{ $value }»
import-problem-unknown_plan = piano sconosciuto: «{ $value }»
import-problem-date_range = data fuori dall'intervallo ammesso, { DAL($from) } { AL($to) }: «{ $value }»
import-problem-control_chars = a capo e caratteri di controllo non sono ammessi: «{ $value }»
import-problem-no_letters = deve contenere almeno una lettera o una cifra: «{ $value }»
import-problem-missing = campo obbligatorio mancante
import-problem-extra_forbidden = campo sconosciuto (controlla come è scritto)
import-problem-literal_error = valore non ammesso: «{ $value }» (ammessi: { $allowed })
import-problem-string_too_short = non può essere vuoto
import-problem-string_too_long = troppo lungo (al massimo { $limit } caratteri)
import-problem-pattern = formato non valido: «{ $value }»
import-problem-string_type = deve essere un testo
import-problem-integer = deve essere un numero intero: «{ $value }»
import-problem-greater_than_equal = deve essere almeno { $limit }: «{ $value }»
import-problem-less_than_equal = deve essere al massimo { $limit }: «{ $value }»
import-problem-decimal = importo non valido: «{ $value }» (scrivi ad esempio "60.00")
import-problem-decimal_max_places = al massimo { $limit } decimali: «{ $value }»
import-problem-decimal_max_digits = importo troppo grande: «{ $value }»
import-problem-date = data non valida: «{ $value }» (usa AAAA-MM-GG)
import-problem-list_type = deve essere una lista
import-problem-dict_type = deve essere una mappa (chiave: valore)
import-problem-other = valore non valido: «{ $value }»
import-problem-other-bare = valore non valido
import-problem-integer-bare = deve essere un numero intero
import-problem-decimal-bare = deve essere un importo (scrivi ad esempio "60.00")
import-problem-date-bare = deve essere una data (AAAA-MM-GG)
import-problem-boolean = deve essere true o false: «{ $value }»
import-problem-boolean-bare = deve essere true o false
import-problem-pattern-bare = formato non valido
import-problem-pattern-hint = formato non valido: «{ $value }» (serve { $allowed })
import-problem-too_short = la lista deve avere almeno { $limit ->
    [one] un elemento
   *[other] { $limit } elementi
}
import-problem-too_long = la lista può avere al massimo { $limit ->
    [one] un elemento
   *[other] { $limit } elementi
}
import-problem-union = deve essere un numero o una lista
import-problem-value = valore non valido: «{ $value }»
import-problem-value-bare = valore non valido
import-pattern-postcode = un CAP di 5 cifre, es. 00184
import-pattern-province = la sigla della provincia in due lettere maiuscole, es. RM
import-pattern-country = il codice del paese in due lettere maiuscole, es. IT
import-pattern-sdi_code = il codice destinatario SdI di 7 lettere maiuscole o cifre
import-pattern-email = un indirizzo email, es. nome@esempio.it
cli-import-key = (chiave)

## What was not found, what core refused (nothing was changed)

cli-not-found-ticket = Ticket n. { $value } non trovato.
cli-not-found-order = Ordine { $value } non trovato.
cli-not-found-invoice = Fattura { $value } non trovata.
cli-not-found-customer = Cliente { $value } non trovato.
cli-not-found-service = Servizio { $value } non trovato.
cli-not-found-plan = Piano { $value } non trovato.
cli-not-found-unapplied = Pagamento non applicato n. { $value } non trovato.
cli-not-found-other = Non trovato: «{ $value }». Nulla è stato modificato.
cli-refused-order_not_pending = L'ordine non è in attesa di pagamento (o non corrisponde più al servizio): nulla è stato modificato.
cli-refused-unapplied_closed = Questo pagamento non applicato è già stato gestito ({ $status }): nulla è stato modificato.
cli-refused-other_customer = L'ordine è di un altro cliente: il pagamento non applicato si usa solo per ordini dello stesso cliente.
cli-refused-empty_note = Scrivi come è stato restituito il denaro (es. il CRO del bonifico).
cli-refused-empty_message = Il messaggio è vuoto: nulla è stato inviato.
cli-refused-ticket_closed = Il ticket è chiuso: nulla è stato inviato.
cli-refused-busy = Il database è occupato da un'altra operazione: riprova tra poco. Nulla è stato modificato.
cli-refused-other = Operazione non consentita nello stato attuale: nulla è stato modificato.
cli-args-one_of = Manca una delle opzioni: { $allowed }.
cli-args-exclusive = { $what } non si usa insieme a { $value }.
cli-not-found-service-of = Servizio { $value } non trovato tra quelli del cliente { $code } · { $name }.
cli-missing-customer = Cliente non trovato.
cli-missing-customers = Nessun cliente nel database: importali con «sportello import FILE».
cli-missing-service = Servizio non trovato (forse è stato eliminato).
cli-missing-quote = Preventivo non trovato o non più valido: calcolane uno nuovo.
cli-missing-order = Ordine non trovato.
cli-missing-plan = Piano non trovato.
cli-missing-invoice = Fattura non trovata.
cli-missing-other = Non trovato: nulla è stato modificato.
