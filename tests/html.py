"""Read what a rendered page shows a person, for assertions in view tests.

The helpers work on the raw HTML of a Django test-client response with regular
expressions: they are deliberately simple and assume the markup our templates
and crispy-forms produce. Each one returns plain text the way a reader sees it,
so tests can assert on wording rather than on markup.
"""

import html
import re

__all__ = ["alert_text", "field_error", "history_entries", "main_text", "text_of"]


def text_of(fragment):
    """``fragment`` as a reader sees it: tags dropped, entities unescaped, whitespace collapsed.

    Each tag becomes a space, so words in neighbouring elements do not run together.
    """
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def main_text(response):
    """The text of the page's ``<main>`` element (so not the navigation or footer).

    Raises ``ValueError`` if the page has no ``<main>``.
    """
    page = response.content.decode()
    return text_of(page[page.index("<main") : page.index("</main>")])


def field_error(response, field, prefix="id_"):
    """The message shown next to a form field, or '' when there is none.

    Crispy renders a field's error as ``<div id="<prefix><field>_error">``. The
    prefix is ``id_`` for a plain form; pass the form's own prefix (for example
    ``"id_idea12_"``) for a prefixed form, or ``""`` to give the whole element id
    as ``field``.
    """
    found = re.search(rf'<div id="{prefix}{field}_error"[^>]*>(.*?)</div>', response.content.decode(), re.S)
    return text_of(found.group(1)) if found else ""


def alert_text(response):
    """The text of the first danger alert (``<div class="alert alert-danger">``), or ''."""
    page = response.content.decode()
    found = re.search(r'<div class="alert alert-danger"[^>]*>(.*?)</div>', page, re.S)
    return text_of(found.group(1)) if found else ""


def history_entries(response):
    """A history page's entries, newest first, as ``[(heading, {field: (before, after)})]``.

    Each entry is an ``<li class="panel mb-3">`` with an ``<h2>`` heading and a table
    of changed fields; an entry without changed fields has an empty dict.
    """
    page = response.content.decode()
    entries = []
    for item in re.findall(r'<li class="panel mb-3">(.*?)</li>', page, re.S):
        heading = text_of(re.search(r"<h2[^>]*>(.*?)</h2>", item, re.S).group(1))
        rows = {
            text_of(field): (text_of(before), text_of(after))
            for field, before, after in re.findall(
                r'<tr><th scope="row">(.*?)</th><td>(.*?)</td><td>(.*?)</td></tr>', item, re.S
            )
        }
        entries.append((heading, rows))
    return entries
