"""Dashboard panels of the outbox: for managers, messages that could not be
sent; for staff, letters waiting to be posted (shown only when there are any).
One query each."""

from homes.dashboard import Panel, register_panel
from notifications import selectors


def _messages(request):
    return {"failed": selectors.failed_count(request.home)}


def _letters(request):
    count = selectors.letters_waiting_count(request.home)
    return {"letters": count, "hidden": count == 0}


register_panel(Panel("messages", "notifications/panel_messages.html", "messages.manage", _messages, order=55))
register_panel(Panel("letters", "notifications/panel_letters.html", "messages.post", _letters, order=56))
