"""A partnership going cold: a reminder to its contact in the home (to be written by the partners area)."""
