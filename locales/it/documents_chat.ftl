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
