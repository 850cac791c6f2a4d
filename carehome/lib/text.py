"""The one rule for text people type into Kith: names and free text.

Two kinds of input are refused, with a message a person can act on:

* text made only of invisible characters (zero-width spaces and joiners, word
  joiners, byte-order marks, Hangul fillers, …): it looks empty on every page
  yet passes "required", so a resident or a visitor ends up with a blank name;
* control characters (ESC, BEL, NUL, …), which come from copying out of other
  programs, can rewrite a terminal reading the logs, and (NUL) make
  PostgreSQL refuse the row. Multi-line free text keeps new lines and tabs.

Every project form applies this through ``carehome.forms.TextRulesMixin``.
"""

import unicodedata

# Characters that show nothing but are neither whitespace nor "format" (Cf) characters.
BLANK_LOOKALIKES = frozenset("\u115f\u1160\u180e\u2800\u3164\uffa0")
MULTILINE_CONTROLS = frozenset("\n\r\t")

INVISIBLE_ONLY = "This has only invisible characters in it. Type it again using letters."
INVISIBLE_ONLY_OPTIONAL = (
    "This has only invisible characters in it. Type it again using letters, or leave it empty."
)
CONTROL_CHARACTERS = (
    "This has hidden control characters in it, often left by copying from another program. "
    "Please type it again here."
)
LINE_BREAKS = "This must be on one line. Please remove the line breaks and tabs."


def is_invisible(char):
    return char.isspace() or unicodedata.category(char) == "Cf" or char in BLANK_LOOKALIKES


def only_invisible(text):
    """True for text that has characters, none of which shows on the page."""
    return bool(text) and all(is_invisible(char) for char in text)


def text_problem(text, *, multiline=False, required=False):
    """What is wrong with ``text`` under the rule, as a message, or ``None``."""
    if not text:
        return None
    controls = {char for char in text if unicodedata.category(char) == "Cc"}
    if multiline:
        controls -= MULTILINE_CONTROLS
    if controls - MULTILINE_CONTROLS:
        return CONTROL_CHARACTERS
    if controls:
        return LINE_BREAKS
    if only_invisible(text):
        return INVISIBLE_ONLY if required else INVISIBLE_ONLY_OPTIONAL
    return None
