## Piani e preventivi di cambio piano: prezzi come il piano è fatturato, cosa include,
## cosa copre ogni importo.

billed-price = { $months ->
    [1] { $price }/mese
    [12] { $price }/anno
    [24] { $price } ogni 2 anni
   *[other] { $price } ogni { $months } mesi
    }

plan-limits = Include: { $what }
plan-limit = { $what }: { $value }
plan-features = Funzioni: { $what }

change-categories = Verso quale tipo di servizio vuoi passare con { $name } (ora { $plan }, { $price } + IVA)?

quote-debit-months = Nuovo piano { $plan } per { $months ->
        [1] un mese
        [12] un anno
       *[other] { $months } mesi
    } da oggi: { $amount }
quote-debit-days = Nuovo piano { $plan } per i { $days } giorni su { $total } che restano alla scadenza: { $amount }
quote-debit-near-expiry = Nuovo piano { $plan } a prezzo pieno per { $months ->
        [1] un mese
        [12] un anno
       *[other] { $months } mesi
    } in più (mancano { $days } giorni alla scadenza): { $amount }
quote-debit-last-month = Nuovo piano { $plan }, ultimo mese prima della scadenza ({ $days } giorni): { $amount }
quote-debit-rounded = Nuovo piano { $plan } per { $months ->
        [one] una mensilità
       *[other] { $months } mensilità
    } ({ $days } giorni alla scadenza, arrotondati al mese): { $amount }
quote-credit-months = Credito per { $months ->
        [one] una mensilità non usufruita
       *[other] { $months } mensilità non usufruite
    } del piano attuale: { $amount }
quote-credit-none-months = Nessun credito: alla scadenza manca meno di un mese intero.
quote-credit-rounded = Credito del piano attuale per { $months ->
        [one] la stessa mensilità
       *[other] le stesse { $months } mensilità
    }: { $amount }
quote-credit-days = Credito del piano attuale per { $days } giorni su { $total } non usufruiti: { $amount }
quote-refund-days = Rimborso del piano attuale per { $days } giorni su { $total } non usufruiti: { $amount }
quote-renewal-offered = Il servizio scade { IL($date) }: dopo il cambio il nuovo pacchetto va rinnovato. Puoi aggiungere ora il rinnovo allo stesso ordine.
btn-add-renewal = Aggiungi il rinnovo all'ordine
quote-addon = { $plan } { $name } per { $months ->
        [1] un mese
        [12] un anno
       *[other] { $months } mesi
    }: { $amount }
btn-addon-keep = ☐ Mantieni { $name } come { $plan }
btn-addon-kept = ☑ Mantieni { $name } come { $plan }
