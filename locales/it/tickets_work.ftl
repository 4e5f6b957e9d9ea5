## Working tickets: saved replies, idle tickets, ratings, the topic's name, the stats.

# The forum topic's name (at most 128 characters): number, customer, state.
tickets-topic = #{ $ticket } { $customer } · { $state }

# Support group: saved replies.
tickets-saved-list = Risposte pronte per il ticket n. { $ticket }: scegline una, la vedrai prima dell'invio.
tickets-saved-none = Nessuna risposta pronta: aggiungile in locales/it/risposte.yaml.
tickets-saved-preview = Risposta pronta «{ $title }» per il ticket n. { $ticket }:

    { $text }

    Premi «Invia così» oppure rispondi a questo messaggio con il testo corretto: arriverà al cliente al posto di questo.
tickets-btn-send = Invia così
tickets-saved-sent = Risposta pronta «{ $title }» inviata al cliente da { $staff }.
tickets-saved-gone = Questa risposta pronta non c'è più: riapri l'elenco.

# Customer: a ticket closed, the rating, reopening.
tickets-closed-idle = Il ticket n. { $ticket } è stato chiuso perché non abbiamo ricevuto risposta. Se il problema non è risolto, premi «Rispondi e riapri».
    Com'è andata? Dai un voto da 1 a 5.
tickets-rate-ask = Com'è andata? Dai un voto da 1 a 5.
tickets-rate-star = { $stars } ★
tickets-btn-reopen = Rispondi e riapri
tickets-rated = Grazie per il voto ({ $stars } su 5). Se vuoi, scrivi un commento; altrimenti premi «Nessun commento».
tickets-btn-no-comment = Nessun commento
tickets-thanks = Grazie, il tuo parere ci aiuta a migliorare.
tickets-reopen-write = Scrivi la risposta: riaprirò il ticket n. { $ticket } e la passerò al supporto.
tickets-reopened = Ticket n. { $ticket } riaperto: il supporto ha ricevuto il tuo messaggio.

# Command line: sportello tickets.
cli-tickets-idle-closed = Ticket chiusi per mancata risposta: { $count }.
cli-tickets-stats-title = Ticket per settimana (ultime { $weeks }):
cli-tickets-col-week = Settimana dal
cli-tickets-col-opened = Aperti
cli-tickets-col-closed = Chiusi
cli-tickets-col-first = Prima risposta
cli-tickets-col-resolution = Risoluzione
cli-tickets-col-rating = Voto medio
cli-tickets-empty-cell = –
cli-tickets-duration = { $days ->
        [0] { $hours } h { $minutes } min
       *[other] { $days } g { $hours } h
    }
cli-tickets-rating = { $rating } ({ $count })
cli-tickets-bad-weeks = --weeks: serve un numero di settimane da 1 a 104.
