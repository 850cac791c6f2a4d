"""Small helpers every app shares (phones, …), in the spirit of healthchecks'
``hc/lib``. They import no app: only Django and third-party libraries."""
