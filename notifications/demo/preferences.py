"""Demo: how a few people chose to be reached. The home's main demo relative
gets email and text messages (an Ofcom drama number, so nobody real is
texted); another relative, without a mobile, gets letters by post; the home
keeps the default quiet hours (21:00–08:00)."""

from homes.models import Membership, Role
from notifications.models import ContactPreference, MessageSettings

DRAMA_MOBILE = "+447700900{:03d}"


def seed(*, home, residents, staff, today, rng):
    MessageSettings.objects.get_or_create(home=home)
    relatives = list(
        Membership.objects.for_home(home)
        .filter(role=Role.FAMILY, is_active=True)
        .select_related("user")
        .order_by("id")
    )
    if not relatives:
        return
    lead = next((m for m in relatives if m.user.email.startswith("family@")), relatives[0])
    ContactPreference.objects.get_or_create(
        user=lead.user,
        defaults={"by_email": True, "by_text": True, "phone": DRAMA_MOBILE.format(100 + lead.user_id % 800)},
    )
    others = [m for m in relatives if m.pk != lead.pk]
    if others:
        letters = others[0]
        address = f"{rng.randint(2, 90)} Orchard Way\nKirkby Ashton\nKA2 {rng.randint(1, 9)}PL"
        ContactPreference.objects.get_or_create(
            user=letters.user,
            defaults={
                "by_email": False,
                "by_post": True,
                "postal_address": address,
            },
        )
