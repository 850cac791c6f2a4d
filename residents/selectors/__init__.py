"""Reads for the residents app, one module per area. Every selector takes the
home (or the acting membership) explicitly and owns its select_related /
prefetch_related, so each page costs a fixed number of queries."""
