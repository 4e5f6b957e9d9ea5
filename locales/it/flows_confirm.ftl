# Confirmations and hints of the conversation flows: what a choice commits the customer to,
# said before it is made, and what to do when a typed answer does not fit the step.

## Menu

# A greeting typed later in the conversation («ciao», «buongiorno»): no introduction again.
greeting-again = Ciao { $name }! Cosa vuoi fare?

## Rinnovo automatico: confirmed before it is switched on

# $price: the renewal price of one period ("€ 9,90/anno"); $days: SPORTELLO_TACIT_PAYMENT_DAYS.
mode-auto-ask =
    Vuoi attivare il rinnovo automatico di { $name }?
    Alla scadenza, { IL($expiry) }, lo rinnoveremo senza chiederti altro ({ $price } + IVA) e ti invieremo la fattura, da pagare a vista entro { $days ->
        [one] un giorno
       *[other] { $days } giorni
    }.
    Se la fattura non viene pagata entro quel termine, il servizio viene sospeso.
    Puoi tornare al rinnovo su richiesta in qualsiasi momento prima della scadenza.
btn-mode-auto-confirm = Attiva il rinnovo automatico

## Non rinnovare: what it means, said before the name is typed

# $category: the plan's category; $days: SPORTELLO_RECOVERY_DAYS; $until: the last day it can
# be recovered.
cancel-warning =
    Se non rinnovi { $name }:
    • resta attivo fino alla scadenza, { IL($expiry) };
    • alla scadenza { $category ->
        [dominio] il dominio smette di funzionare, e con lui il sito e le caselle email che lo usano;
        [hosting] il sito e le caselle email smettono di funzionare;
        [pec] la casella PEC non riceve e non invia più messaggi;
        [vps] il server viene spento;
        [cloud] il servizio viene fermato;
        [dedicato] il server viene spento;
       *[other] il servizio viene sospeso;
    }
    • { $days ->
        [0] dopo la scadenza non sarà più possibile recuperarlo;
        [one] per un giorno dopo la scadenza, fino { AL($until) }, puoi ancora recuperarlo con «Recupera prodotto»;
       *[other] per { $days } giorni dopo la scadenza, fino { AL($until) }, puoi ancora recuperarlo con «Recupera prodotto»;
    }
    • poi { $category ->
        [dominio] il dominio viene cancellato e torna libero: chiunque potrà registrarlo al posto tuo.
        [hosting] vengono cancellati definitivamente il sito (tutti i file), i database e le caselle email con i messaggi che contengono.
        [pec] la casella PEC viene cancellata definitivamente, con tutti i messaggi e le ricevute che contiene.
        [vps] il server viene cancellato definitivamente, con tutti i dati sui suoi dischi (siti, database, caselle email).
        [cloud] il servizio viene cancellato definitivamente, con la sua configurazione e i suoi dati.
        [dedicato] i dischi del server vengono cancellati definitivamente, con tutti i dati (siti, database, caselle email).
       *[other] il servizio viene cancellato definitivamente, con tutti i suoi dati.
    }
    { $category ->
        [dominio] Se vuoi tenere il dominio presso un altro fornitore, chiedi il trasferimento prima della scadenza.
        [pec] Prima della scadenza scarica i messaggi e le ricevute da conservare: hanno valore legale.
       *[other] Prima della scadenza salva una copia di tutto ciò che vuoi conservare.
    }
    Perché vuoi disdirlo? Scegli un motivo o scrivilo.

## Service pickers: a name typed instead of a button

# $service: the name of one of the services on the buttons.
pick-typed-unknown = Non trovo tra i servizi qui sotto quello che hai scritto. Tocca un pulsante oppure scrivi il nome del servizio, per esempio { $service }. Per uscire scrivi /annulla.
renew-typed-selected = Ho selezionato { $name }.
