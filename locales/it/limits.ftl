# What a downgrade does to what exceeds the new plan (handlers/limits_text.py).
# Labels are lower case: the first letter is raised where a line starts with one.

limits-title = Cosa cambia con il nuovo piano:
limits-over-excess = • { $what }: ne usi { $current }, il nuovo piano ne consente { $allowed }. L'eccedenza verrà disattivata.
limits-over-deactivate = • { $what }: ne usi { $current }, il nuovo piano ne consente { $allowed }. Disattivazione di: { $value }.
limits-over-keep_most = • { $what }: ne usi { $current }, il nuovo piano ne consente { $allowed }. { $allowed ->
        [one] Resta
       *[other] Restano
    } { $name } (con più { $by }); rimozione di: { $value }.
limits-over-drop_newest = • { $what }: ne usi { $current }, il nuovo piano ne consente { $allowed }. Rimozione di: { $value } (le attivazioni più recenti).
limits-along =   ◦ insieme a questi, rimozione di { $kind }: { $detail }
limits-over-scale = • { $what }: ne usi { $current }, il nuovo piano ne consente { $allowed }. Riduzione proporzionale:
limits-scaled =   ◦ { $name }: ridotta da { $from } a { $to }
limits-scaled-total = • { $what }: ridotta da { $from } a { $to }.
limits-over-cap = • { $what }: il nuovo piano consente al massimo { $allowed }.
limits-capped =   ◦ { $name }: limitata a { $to } (ora { $from })
limits-feature = • Funzione «{ $what }»: non inclusa nel nuovo piano, verrà disattivata.
limits-feature-remove = • Funzione «{ $what }»: non inclusa nel nuovo piano. Rimozione di: { $value }.
limits-feature-remove-all = • Funzione «{ $what }»: non inclusa nel nuovo piano, verrà rimossa.
limits-feature-detach = • Funzione «{ $what }»: non inclusa nel nuovo piano. Distacco di: { $value }.
limits-feature-offer = • Funzione «{ $what }»: non inclusa nel nuovo piano. { $kind }:
limits-offer =   ◦ { $name }: può restare attivo come «{ $plan }» a { $price } + IVA { $count ->
        [1] al mese
        [12] l'anno
       *[other] ogni { $count } mesi
    }, con un cambio servizio; altrimenti verrà disattivato.
limits-offer-kept =   ◦ { $name }: resta attivo come «{ $plan }» (nell'ordine).
limits-offer-none =   ◦ disattivazione di: { $value }
limits-restorable =   ↳ Ripristino con un upgrade successivo.
limits-not-restorable =   ↳ Nessun ripristino con un upgrade successivo.
limits-hint = Ti consigliamo di adeguare prima i tuoi contenuti ai limiti del nuovo piano.

# What each limit or feature is called (a key without a label is shown as «altro: key»).
limits-key-web_space_mb = spazio web (MB)
limits-key-databases = database
limits-key-mailboxes = caselle email
limits-key-domains = domini
limits-key-waiting_rooms = sale d'attesa
limits-key-capacity = capacità totale delle sale d'attesa
limits-key-entry_rate = velocità di ingresso (utenti al minuto)
limits-key-priority_groups = gruppi di priorità
limits-key-firewall_ips = IP registrati nel firewall
limits-key-custom_templates = modelli personalizzati
limits-key-ssl = certificato SSL
limits-key-backup = backup
limits-key-staging = ambiente di staging
limits-key-dns = gestione DNS
limits-key-archivio = archivio
limits-key-reseller = rivendita
limits-key-reseller_domains = domini dei tuoi clienti
limits-key-other = altro ({ $value })
