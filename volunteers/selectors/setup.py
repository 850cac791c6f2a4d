"""Reads for roles and settings: the roles with what each needs, in plain
words, and the home's volunteering settings."""

from django.db.models import Count, Prefetch, Q
from django.urls import NoReverseMatch, reverse

from homes.models import Nation, Organisation
from volunteers import rules
from volunteers.models import CheckLevel, TrainingModule, Volunteer, VolunteerRole
from volunteers.rules import INDUCTION

DBS_WORDS = {
    CheckLevel.BASIC: "Basic DBS check",
    CheckLevel.STANDARD: "Standard DBS check",
    CheckLevel.ENHANCED: "Enhanced DBS check",
    CheckLevel.ENHANCED_BARRED: "Enhanced DBS with the adults' barred list",
}


def check_words(level, nation):
    """The background check ``level`` means at a home in ``nation``: in
    Scotland any check means PVG scheme membership (as ``volunteers.rules`` reads it)."""
    if not level or level == CheckLevel.NONE:
        return ""
    if nation == Nation.SCOTLAND:
        return "PVG scheme membership"
    return DBS_WORDS[level]


def _course(name):
    """“Safeguarding adults” → “safeguarding adults”; “MiDAS …” keeps its capitals."""
    if len(name) > 1 and name[1].islower():
        return name[0].lower() + name[1:]
    return name


def role_needs(role, nation):
    """What a volunteer in ``role`` needs before they start, in plain words:
    "Enhanced DBS with the adults' barred list, 2 references, identity,
    induction, safeguarding adults" (training prefetched)."""
    parts = []
    if check := check_words(role.check_level, nation):
        parts.append(check)
    if role.references_needed:
        parts.append(f"{role.references_needed} reference{'s' if role.references_needed != 1 else ''}")
    if role.needs_identity:
        parts.append("identity")
    if role.needs_interview:
        parts.append("interview")
    if role.needs_induction:
        parts.append("induction")
    parts += [
        _course(m.name) for m in role.training.all() if not (role.needs_induction and m.slug == INDUCTION)
    ]
    if not parts:
        return "Nothing before they start"
    text = ", ".join(parts)
    return text[0].upper() + text[1:]


def roles_for_setup(home):
    """The home's roles by name, with their training and how many volunteers
    (who have not left) hold each."""
    return (
        VolunteerRole.objects.for_home(home)
        .annotate(
            volunteer_count=Count(
                "volunteers", filter=~Q(volunteers__status=Volunteer.Status.LEFT), distinct=True
            )
        )
        .prefetch_related(Prefetch("training", queryset=TrainingModule.objects.order_by("order", "name")))
        .order_by("-is_active", "name")
    )


def role_for_page(home, pk):
    return (
        VolunteerRole.objects.for_home(home)
        .filter(pk=pk)
        .prefetch_related(Prefetch("training", queryset=TrainingModule.objects.order_by("order", "name")))
        .first()
    )


def role_modules(keep=()):
    """The courses a role can ask of its volunteers (induction has its own
    box), and any in ``keep`` (module ids a role already asks for)."""
    offered = Q(for_volunteers=True) & ~Q(slug=INDUCTION)
    if keep:
        offered |= Q(pk__in=list(keep))
    return TrainingModule.objects.filter(offered).order_by("order", "name")


def connectors():
    """Connector charities that may recruit for a home on their own page."""
    return Organisation.objects.filter(kind=Organisation.Kind.CONNECTOR).order_by("name")


def settings_for_page(home):
    """The home's settings (the defaults if none are saved yet) and the
    charities that recruit for it."""
    saved = rules.settings_for(home)
    charities = list(saved.recruit_through.order_by("name")) if saved.pk else []
    return saved, charities


def public_page_url(home):
    """The address of the home's public "Volunteer with us" page, or None
    while that page does not exist."""
    try:
        return reverse("volunteer_with_us:apply", kwargs={"slug": home.slug})
    except NoReverseMatch:
        return None
