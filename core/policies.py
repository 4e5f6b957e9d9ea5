"""The names of the upgrade/downgrade policies, apart from the settings model so that the
command line can offer them as choices without importing pydantic."""

POLICIES = ("mensilita-residue", "pro-rata-giorni", "mesi-arrotondati", "mese-intero")
