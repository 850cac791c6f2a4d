"""Volunteers' forms, one module per area: recruitment, checks, training, setup,
matching, rota, portal, drivers, expiry, public."""
