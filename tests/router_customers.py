"""The services of the two customers the labelled router sets are written for (shared by
tests/test_router.py and the router benchmark, which must not need pytest)."""

from handlers.router import ServiceRef

MARIO = [
    ServiceRef(1, "mariorossi.it", "dominio", ("Dominio .it", "Hosting Start", "Hosting Pro")),
    ServiceRef(2, "www.mariorossi.it", "hosting",
               ("Hosting Start", "Hosting Pro", "Hosting Business", "Dominio .it")),
    ServiceRef(3, "mario.rossi@pec.it", "pec", ("PEC Standard", "PEC Pro")),
    ServiceRef(4, "rossipizzeria.it", "dominio", ("Dominio .it", "Hosting Start")),
]
LUIGI = [
    ServiceRef(1, "luigiverdi.it", "dominio", ("Dominio .it", "Hosting Start", "Hosting Pro")),
    ServiceRef(2, "www.luigiverdi.it", "hosting",
               ("Hosting Start", "Hosting Pro", "Hosting Business", "Dominio .it")),
    ServiceRef(3, "luigi.verdi@pec.it", "pec", ("PEC Standard", "PEC Pro")),
    ServiceRef(4, "verdi-shop.com", "dominio", ("Dominio .it",)),
    ServiceRef(5, "vps-verdi", "vps", ("VPS Small", "VPS Medium")),
]
