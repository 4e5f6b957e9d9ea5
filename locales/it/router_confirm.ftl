# Free text never opens a ticket on its own: the customer confirms with a tap.
router-confirm-operator = Apro una richiesta al supporto? Un operatore ti risponderà qui, con la nostra conversazione.
btn-confirm-operator = Sì, apri la richiesta
btn-confirm-no = No
