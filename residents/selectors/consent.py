"""Reads of the consent register: what each resident agreed to, live now.

Nothing here is cached: every feature asks at the moment of use, so a consent
withdrawn a second ago stops a photo showing on the next page or image
request, everywhere at once.

Photo uses are cumulative: a photo may be shown

- inside the home (staff pages, noticeboards) when everyone in it has live
  consent for PHOTOS_HOME;
- to the families of the home when everyone has PHOTOS_HOME and PHOTOS_FAMILY;
- in public when everyone has all three.

``photo_uses_allowed`` and ``missing_consent`` apply that rule to a set of
residents; ``consents_held`` reads what they hold in one query;
``photo_consented`` is the same rule as a subquery, for lists (news photos
shared with a resident's family, for one, follow the families' use).
"""

from collections import defaultdict

from django.db.models import Prefetch

from residents.models import Consent, ConsentPurpose, RelativeLink

# The photo uses, each with the consents it needs (cumulative).
USE_HOME = "home"
USE_FAMILY = "family"
USE_PUBLIC = "public"
PURPOSES_NEEDED = {
    USE_HOME: (ConsentPurpose.PHOTOS_HOME,),
    USE_FAMILY: (ConsentPurpose.PHOTOS_HOME, ConsentPurpose.PHOTOS_FAMILY),
    USE_PUBLIC: (ConsentPurpose.PHOTOS_HOME, ConsentPurpose.PHOTOS_FAMILY, ConsentPurpose.PHOTOS_PUBLIC),
}
USES = (USE_HOME, USE_FAMILY, USE_PUBLIC)

# How each use reads in a sentence: "Ted has not agreed to photos being …".
USE_WORDS = {
    USE_HOME: "shown inside the home",
    USE_FAMILY: "shared with families of the home",
    USE_PUBLIC: "shown in public",
}


def live_consents(home):
    return Consent.objects.for_home(home).filter(withdrawn_at__isnull=True)


def consented_residents(home, purpose, resident_ids):
    """The ids among ``resident_ids`` with live consent for ``purpose`` (one query)."""
    ids = {int(i) for i in resident_ids}
    if not ids:
        return set()
    rows = live_consents(home).filter(purpose=purpose, resident_id__in=ids)
    return set(rows.values_list("resident_id", flat=True))


def consents_held(home, resident_ids):
    """{resident id: set of purposes with live consent} for ``resident_ids`` (one query;
    none when there are no ids). Residents with none are absent."""
    ids = {int(i) for i in resident_ids}
    held = defaultdict(set)
    if ids:
        for resident_id, purpose in (
            live_consents(home).filter(resident_id__in=ids).values_list("resident_id", "purpose")
        ):
            held[resident_id].add(purpose)
    return held


def missing_consent(held, resident_ids, use):
    """The ids among ``resident_ids`` who lack a consent ``use`` needs, in the
    order given; ``held`` is what ``consents_held`` returned."""
    needed = set(PURPOSES_NEEDED[use])
    return [rid for rid in resident_ids if not needed <= held.get(rid, set())]


def photo_uses_allowed(held, resident_ids):
    """{use: True/False} for a photo of ``resident_ids``: a use is allowed only
    when every resident in it holds every consent the use needs. A photo of
    nobody who lives here is allowed everywhere."""
    return {use: not missing_consent(held, resident_ids, use) for use in USES}


def photo_allowed(home, resident_ids, use):
    """Whether a photo of ``resident_ids`` may be shown for ``use`` now (one query)."""
    ids = list(resident_ids)
    return not missing_consent(consents_held(home, ids), ids, use)


def photo_consented(home, use):
    """The ids of residents (a subquery) whose photos may be shown for ``use``
    now: a live consent for every purpose the use needs. For lists: annotate or
    filter with it, and the register is read inside the list's own query."""
    *others, purpose = PURPOSES_NEEDED[use]
    rows = consented(home, purpose)
    for other in others:
        rows = rows.filter(resident_id__in=consented(home, other))
    return rows


# --- The register page -----------------------------------------------------------------


def register_for(home, resident):
    """The register of one resident: for each purpose, in order, its live
    consent (or None) and its earlier, withdrawn ones, newest first (two
    queries: the consents, and the relatives named for news)."""
    rows = list(
        Consent.objects.for_home(home)
        .filter(resident=resident)
        .select_related("recorded_by", "withdrawn_by")
        .prefetch_related(
            Prefetch(
                "relatives",
                queryset=RelativeLink.objects.for_home(home).select_related("membership__user"),
            )
        )
        .order_by("-recorded_at", "-id")
    )
    register = []
    for purpose in ConsentPurpose:
        mine = [c for c in rows if c.purpose == purpose]
        register.append(
            {
                "purpose": purpose,
                "label": purpose.label,
                "live": next((c for c in mine if c.is_live), None),
                "history": [c for c in mine if not c.is_live],
            }
        )
    return register


def consent_for_page(home, resident, pk):
    """One consent of ``resident`` (for the withdraw page), or None."""
    return (
        Consent.objects.for_home(home)
        .filter(resident=resident, pk=pk)
        .select_related("recorded_by", "withdrawn_by")
        .first()
    )


# --- News to named relatives, volunteers' visits, evaluation examples ------------------


def news_links(home):
    """The relative links named in a live consent to news (a queryset, for a
    subquery): news about a resident reaches a relative only through one."""
    return RelativeLink.objects.for_home(home).filter(
        news_consents__purpose=ConsentPurpose.NEWS_FAMILY, news_consents__withdrawn_at__isnull=True
    )


def news_residents_for(membership):
    """The ids of residents (a subquery) whose news this relative may see now:
    actively linked to them and named in their live consent to news."""
    return (
        news_links(membership.home_id)
        .filter(membership=membership, status=RelativeLink.Status.ACTIVE)
        .values("resident_id")
    )


def news_consent_held(home, resident):
    """Whether ``resident`` has a live consent to news naming anyone (one query)."""
    return news_links(home).filter(resident=resident).exists()


def news_allowed_user(home, resident, user_id):
    """Whether news about ``resident`` may go to the person ``user_id`` now: an
    active link, an active membership, and named in the live consent (one query)."""
    return (
        news_links(home)
        .filter(
            resident=resident,
            membership__user_id=user_id,
            status=RelativeLink.Status.ACTIVE,
            membership__is_active=True,
        )
        .exists()
    )


def consented(home, purpose):
    """The ids of residents (a subquery) with a live consent for ``purpose``."""
    return live_consents(home).filter(purpose=purpose).values("resident_id")


def consented_now(home, resident_id, purpose):
    """Whether resident ``resident_id`` has a live consent for ``purpose`` (one query)."""
    return live_consents(home).filter(resident_id=resident_id, purpose=purpose).exists()
