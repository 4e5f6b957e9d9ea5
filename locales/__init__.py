"""Message catalogues: `locales/it/*.yaml` holds every sentence customers and support read."""
