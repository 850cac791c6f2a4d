"""Messages sent to a relative or volunteer who left: where they went and
what they said leave the outbox (``homes.retention``); the rows stay, so the
home's message counts hold. Their contact choices go with their account."""

from homes.retention import forget_rows, only_here, register_anonymiser, scrub
from notifications.models import ContactPreference, Reminder


def _forget(home, user):
    if user is None:
        return 0
    changed = scrub(
        Reminder.objects.for_home(home).filter(user=user),
        keep=("kind", "recipient", "cancelled_reason"),
        data={},
    )
    if only_here(home, user):
        changed += forget_rows(ContactPreference.objects.filter(user=user))
    return changed


def anonymise_relative(home, membership):
    return _forget(home, membership.user)


def anonymise_volunteer(home, volunteer):
    return _forget(home, volunteer.user)


def register():
    # Before the account itself ("~accounts" sorts last), which decides "only here" by the membership.
    register_anonymiser("relative", "notifications", anonymise_relative)
    register_anonymiser("volunteer", "notifications", anonymise_volunteer)
