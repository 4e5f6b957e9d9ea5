# Two edges of the conversation flows (issue 15): «Upgrade / cambio piano» only where there is
# a plan to move to, and «Rinnovo automatico» in the order summary confirmed before it is on.

## Upgrade / cambio piano

# The customer has active services, but none of their plans can change to another one.
change-none-targets = Per i tuoi servizi attivi non ci sono altri piani a cui passare. Se ti serve qualcosa di diverso, puoi chiedere al supporto.

## Rinnovo automatico in the order summary: the question is `mode-auto-ask` (flows_confirm.ftl),
## with $expiry the end of the period being ordered; then this line.

order-auto-ask-applies = Il rinnovo automatico si attiva con il pagamento di questo ordine; fino ad allora non cambia nulla.
btn-order-auto-keep-off = No, lascia il rinnovo su richiesta
