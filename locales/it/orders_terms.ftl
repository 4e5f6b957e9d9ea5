## Il passo d'ordine (seed 002): Durata, Rinnovo automatico, condizioni generali di contratto

order-duration-months = { $months ->
    [one] { $months } mese
   *[other] { $months } mesi
}
order-duration-years = { $years ->
    [one] { $years } anno
   *[other] { $years } anni
}
order-options-title = Durata e rinnovo:
order-option-line = • { $name }: durata { $duration }, rinnovo automatico { $auto }
order-auto-yes = sì, ogni { $duration }
order-auto-no = no
order-plan-change = • { $name }: rinnovo { DAL($date) } al piano { $plan } (il cambio già programmato per quel giorno): paghi la nuova tariffa, non un altro periodo al prezzo attuale; fino ad allora resti sul piano attuale.
order-options-hint = Scegli la durata; con il rinnovo automatico la stessa durata vale anche per i rinnovi successivi.
order-terms-ask = Per confermare l'ordine devi accettare le condizioni generali di contratto (versione { $version }): { $url }
order-terms-accepted = ✅ Condizioni generali di contratto accettate (versione { $version }).
order-terms-needed = Metodo scelto: { $method }. Prima di procedere accetta le condizioni generali di contratto (versione { $version }): { $url }
btn-accept-terms = Accetto le condizioni generali
btn-duration-chosen = { $duration } ✓
btn-duration-named = { $name } · { $duration }
btn-duration-named-chosen = { $name } · { $duration } ✓
btn-auto-renew = Rinnovo automatico: { $state }
btn-auto-renew-named = Rinnovo automatico { $name }: { $state }
order-auto-state-yes = sì
order-auto-state-no = no
