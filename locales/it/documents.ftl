## The documents the provider issues (fattura, nota di credito): what their lines say, in
## the FatturaPA XML, in the PDF copy and in the emails.

document-type-TD01 = Fattura
document-type-TD04 = Nota di credito
doc-line-renewal = Rinnovo { $plan } – { $service }
doc-line-upgrade = Upgrade a { $plan } – { $service }, gratuito fino alla scadenza
doc-line-debit = Piano { $plan } – { $service }
doc-line-credit = Credito del piano precedente non usufruito – { $service }
doc-line-change_fee = Costo una tantum di cambio piano – { $service }
doc-line-addon = { $plan } { $item }
doc-line-restoration = Ripristino { $plan } – { $service }
doc-line-restoration_fee = Costo di ripristino – { $service }
doc-line-other = { $plan } – { $service }
doc-line-credit_note = Storno della fattura { $number } { DEL($date) }: { $reason }
doc-line-period = { DAL($from) } { AL($to) }
# FatturaPA <UnitaMisura> of every line (quantity 1: one service for its period).
doc-xml-unit = servizio
