"""News from the home: when staff share an update about a resident and tick
"Tell the families", each actively linked relative the resident's consent to
news names hears by their chosen channel (not essential: reminders off means
no message). The consent is read again when each message goes."""

from notifications.kinds import ALL_CHANNELS, Kind, register
from notifications.services import reminders_schedule
from residents.models import RelativeLink
from residents.selectors.consent import USE_FAMILY, news_allowed_user, news_links, photo_allowed
from visits.messages.common import NEWS_SHARED, url


def news_context(update, reminder):
    return {
        "update": update,
        "resident": update.resident,
        # Read as the message goes: no photo is promised once consent is withdrawn.
        "has_photo": bool(update.photo) and photo_allowed(update.home_id, [update.resident_id], USE_FAMILY),
        "url": url("homes:dashboard", update.home.slug),
    }


def news_stale(update, reminder):
    if not news_allowed_user(update.home_id, update.resident, reminder.user_id):
        return f"{update.resident.short_name}'s consent to news no longer names this relative."
    return ""


def news_describe(update):
    text = " ".join(update.text.split())
    return f"{update.resident.short_name}: {text[:60]}{'…' if len(text) > 60 else ''}"


register(
    Kind(
        name=NEWS_SHARED,
        label="News from the home",
        model="visits.SharedUpdate",
        channels=ALL_CHANNELS,
        related=("home", "resident"),
        context=news_context,
        stale=news_stale,
        describe=news_describe,
    )
)


def news_messages_schedule(*, update, now):
    """One message to each relative actively linked to the update's resident
    and named in their consent to news."""
    links = (
        news_links(update.home)
        .filter(
            resident=update.resident,
            status=RelativeLink.Status.ACTIVE,
            membership__is_active=True,
            membership__user__is_active=True,
        )
        .select_related("membership__user")
        .order_by("pk")
    )
    recipients = list({link.membership.user_id: link.membership.user for link in links}.values())
    if not recipients:
        return 0
    return reminders_schedule(
        home=update.home, kind=NEWS_SHARED, obj=update, recipients=recipients, due=now, now=now
    )
