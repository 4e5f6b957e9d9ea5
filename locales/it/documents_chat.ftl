## The readable PDF copy of a document (fattura, nota di credito) and what the customer
## sees of documents in the chat.

## The PDF copy

pdf-title-TD01 = Fattura n. { $number } { DEL($date) }
pdf-title-TD04 = Nota di credito n. { $number } { DEL($date) } — storno della fattura { $invoice } { DEL($invoice_date) }
pdf-subject = Copia di cortesia: { $title }
pdf-vat-number = Partita IVA { $value }
pdf-tax-code = Codice fiscale { $value }
pdf-email = Email { $value }
pdf-customer = Cliente
pdf-customer-code = Codice cliente { $value }
pdf-sdi-code = Codice destinatario { $value }
pdf-pec = PEC { $value }
pdf-col-description = Descrizione
pdf-col-amount = Importo
pdf-subtotal = Imponibile
pdf-vat = IVA { $rate }%
pdf-total = Totale
pdf-method = Pagamento: { $method }
pdf-order = Ordine { $reference }
pdf-iban = IBAN { $iban }, intestato a { $holder }
pdf-paid = Pagata
pdf-due = Da pagare entro { IL($date) }
pdf-credit-reason = Motivo: { $reason }
pdf-sdi-file = File FatturaPA { $value }
pdf-courtesy = Il documento valido ai fini fiscali è la fattura elettronica (FatturaPA) trasmessa tramite il Sistema di Interscambio (SdI): questa è una copia di cortesia.
pdf-file-TD01 = Fattura { $value }.pdf
pdf-file-TD04 = Nota di credito { $value }.pdf

## Documents in the chat: «Ordini e fatture», the receipt after a payment, «Scarica PDF»

docs-title = Fatture e note di credito
docs-none = Non hai fatture.
docs-invoice = • Fattura { $number } { DEL($date) }
docs-invoice-amounts = { "  " }Imponibile { $subtotal } · IVA { $vat } · Totale { $total } · { $paid }
docs-paid = Pagata
docs-due = Da saldare entro { IL($due) }
docs-note = { "  " }↳ Nota di credito { $number } { DEL($date) }: { $total } (imponibile { $subtotal }, IVA { $vat })
docs-note-alone = • Nota di credito { $number } { DEL($date) }, storno della fattura { $invoice }: { $total } (imponibile { $subtotal }, IVA { $vat })
docs-negative = − { $amount }
btn-pdf = Scarica PDF { $number }
doc-pdf-caption = { $title }: copia di cortesia in PDF. Il documento valido ai fini fiscali è quello elettronico trasmesso tramite il Sistema di Interscambio.
doc-pdf-missing = Non trovo questo documento tra le tue fatture: nessun file è stato inviato.
receipt-title = Hai acquistato:
receipt-line = • { $description }: { $amount }
receipt-period = { "  " }{ $period }
receipt-totals = Imponibile { $subtotal } · IVA { $rate }% { $vat } · Totale pagato { $total }
terminal-document-saved = File salvato: { $path }
terminal-document-missing = Documento { $number } non trovato: nessun file salvato.
