"""Reading ids and numbers from an address's query string (``?resident=12``).

Anything can arrive there: Arabic-Indic digits (which pass ``str.isdigit()``
and ``int()`` but match no URL pattern), a minus sign, twenty digits, a NUL.
Every view reads an id or a number through ``parse_id`` / ``parse_ids``: what
is not a plain, sane whole number is treated as absent, never a 500. Dates
are read with ``carehome.timeutils.query_date``.
"""

import re

MAX_ID = 2**63 - 1  # the largest value a PostgreSQL bigint (our primary keys) holds
_ASCII_DIGITS = re.compile(r"[0-9]{1,19}")


def parse_id(value, *, maximum=MAX_ID):
    """``value`` as a whole number from 1 to ``maximum``, or None.

    Only ASCII digits count (no sign, no spaces inside, no other scripts'
    digits); surrounding spaces are ignored.
    """
    text = str(value or "").strip()
    if not _ASCII_DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if 1 <= number <= maximum else None


def parse_ids(values, *, maximum=MAX_ID):
    """The valid ids among ``values`` (strings), in order, each once; the rest are dropped."""
    seen = []
    for value in values:
        number = parse_id(value, maximum=maximum)
        if number is not None and number not in seen:
            seen.append(number)
    return seen
