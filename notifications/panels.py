"""Dashboard panels of the outbox (filled in by the messages UI)."""
