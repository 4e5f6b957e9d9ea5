## `sportello invoices export` and `sportello invoices show`: the FatturaPA files for the
## accountant or the SdI intermediary, and one document read at the terminal.

cli-documents-bad_number = Numero di documento non valido: «{ $value }» (es. 2026/000123 per una fattura, NC 2026/000045 per una nota di credito).
cli-documents-bad_range = Periodo non valido { DAL($from) } { AL($to) }: la data iniziale viene dopo quella finale.
cli-documents-no_dir = La cartella «{ $value }» non esiste: creala prima dell'esportazione.
cli-documents-not_dir = «{ $value }» non è una cartella.
cli-documents-dir_denied = Non posso scrivere nella cartella «{ $value }»: { $detail }
cli-documents-differs = Il file «{ $value }» esiste già con un contenuto diverso: nulla è stato scritto (usa una cartella vuota, o sposta il file se è da sostituire).
cli-documents-not_a_file = «{ $value }» esiste già e non è un file: nulla è stato scritto.
cli-documents-customer_incomplete = Il documento { $number } non si può esportare: al cliente { $code } { $what }. Completa il cliente con `sportello import` e riprova: nulla è stato scritto.
cli-documents-missing-address = manca l'indirizzo (via, CAP, comune)
cli-documents-missing-tax_id = mancano partita IVA e codice fiscale
cli-documents-missing-both = mancano l'indirizzo (via, CAP, comune) e sia la partita IVA sia il codice fiscale
cli-documents-invalid = Il documento { $number } non è una FatturaPA valida (campi: { $detail }): nulla è stato scritto. Controlla i dati del fornitore (SPORTELLO_PROVIDER_*) e del cliente.
cli-documents-none = Nessun documento emesso { DAL($from) } { AL($to) }: nessun file scritto.
cli-documents-exported = Esportati { $count ->
    [one] 1 documento
   *[other] { $count } documenti
} { DAL($from) } { AL($to) } in { $value }, con il riepilogo { $summary }: { $detail }.
cli-documents-written = { $count ->
    [one] 1 file nuovo
   *[other] { $count } file nuovi
}
cli-documents-same = { $count ->
    [one] 1 già presente e identico
   *[other] { $count } già presenti e identici
}
cli-not-found-document = Documento { $value } non trovato.

# riepilogo.csv: the columns, and the paid flag.
cli-documents-csv-number = Numero
cli-documents-csv-type = Tipo
cli-documents-csv-date = Data
cli-documents-csv-code = Cliente
cli-documents-csv-name = Nominativo
cli-documents-csv-tax_id = Partita IVA / Codice fiscale
cli-documents-csv-subtotal = Imponibile
cli-documents-csv-vat = IVA
cli-documents-csv-total = Totale
cli-documents-csv-paid = Pagata
cli-documents-csv-file = File
cli-documents-yes = sì
cli-documents-no = no

# `sportello invoices show`
cli-documents-show-title = { $title } { $number } { DEL($date) }
cli-documents-show-file = File SdI: { $value } (progressivo di invio { $detail })
cli-documents-show-credits = Storna la fattura { $number } { DEL($date) }. Motivo: { $reason }
cli-documents-show-provider = Emessa da: { $name } · P.IVA { $value }
cli-documents-show-customer = Cliente: { $code } · { $name }
cli-documents-show-vat_number = Partita IVA: { $value }
cli-documents-show-tax_code = Codice fiscale: { $value }
cli-documents-show-address = Indirizzo: { $address }
cli-documents-show-recipient = Recapito SdI: codice destinatario { $code }
cli-documents-show-recipient_pec = Recapito SdI: codice destinatario { $code }, PEC { $value }
cli-documents-show-lines = Righe (importi IVA esclusa):
cli-documents-show-line = { $id }. { $text } · { $amount }
cli-documents-show-period = { "   " }{ $text }
cli-documents-show-subtotal = Imponibile: { $amount }
cli-documents-show-vat = IVA { $rate }%: { $amount }
cli-documents-show-total = Totale: { $amount }
cli-documents-show-payment = Pagamento: { $method } · scadenza { $due } · { $paid }
cli-documents-show-paid = pagata
cli-documents-show-unpaid = da pagare
cli-documents-show-order = Ordine: { $reference }
