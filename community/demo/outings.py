"""Demo outings: a fishing trip co-produced from the residents' idea "Go
fishing like we used to", with Hollingworth Anglers, in the minibus with
Kwame (the bank's minibus driver), and an approved risk assessment (the
water's edge, the weather, toilets, medication, tiredness).

* Last week's trip happened: residents' attendance is recorded (one group
  entry in the connection log, so their timelines show it) and the idea is
  "done" (the stories area writes its story next).
* Next week's trip is confirmed: residents invited with their answers, and
  their families invited through the invitations families already use.
* A canal boat trip in five days is planned but not confirmed (no driver
  yet), so the dashboard panel shows what it still needs.

Made through the outings' own services, so the rules hold (last week's
confirmation is written as it was then: the service refuses a past date). The partner is
looked up by name and left out if absent; Kwame is made able to drive the
minibus if he is not. Idempotent: a home with the fishing trip is left alone.
"""

from datetime import time, timedelta

from carehome.errors import DomainError
from community.models import Activity, Attendee, Hazard, Occurrence, Partnership
from community.selectors.outings import invite_suggestions
from community.services import attendance, outings
from homes.models import Interest, Membership, Role
from notifications.timing import at_local
from residents.models import CoproductionSession, Idea
from residents.services.coproduction import idea_record, idea_status_set
from visits.models import EventReply
from visits.selectors.events import active_family_links
from visits.services.events import event_reply
from volunteers import rules as volunteer_rules
from volunteers.models import Driver, TrainingModule, TrainingRecord

FISHING = "Fishing at Hollingworth Lake"
IDEA = "Go fishing like we used to"

HAZARDS = [
    (
        "The water's edge",
        "Residents, especially those who walk with a frame or have dementia",
        "Fish only from the accessible platform, which has a rail. One member of staff or volunteer "
        "for every two residents by the water. Wheelchair brakes on at the edge.",
        Hazard.Level.MEDIUM,
    ),
    (
        "Cold, wet or very hot weather",
        "Everyone",
        "Check the forecast the day before and again in the morning. Blankets, waterproofs, sun hats "
        "and water in the minibus. Come back early if anyone is cold or tired.",
        Hazard.Level.LOW,
    ),
    (
        "Toilets",
        "Residents who need help or need to go often",
        "Accessible toilet at the visitor centre (RADAR key in the minibus bag). Continence products "
        "packed for those who use them. Stop on the way if needed.",
        Hazard.Level.LOW,
    ),
    (
        "Medication due while out",
        "Residents with lunchtime medicines",
        "The senior carer takes the lunchtime medicines, signed out of the home and back in, with the "
        "medication records.",
        Hazard.Level.MEDIUM,
    ),
    (
        "Tiredness and getting overwhelmed",
        "Residents who tire easily or find new places unsettling",
        "A quiet seat in the minibus; no longer than four hours out; staff who know each person well "
        "come along.",
        Hazard.Level.LOW,
    ),
]


def _people(home):
    members = {
        m.role: m
        for m in Membership.objects.for_home(home)
        .filter(role__in=[Role.MANAGER, Role.CHAMPION, Role.STAFF], is_active=True)
        .select_related("user")
        .order_by("-id")
    }
    return members.get(Role.MANAGER), members.get(Role.CHAMPION), members.get(Role.STAFF)


def _idea(home, actor):
    idea = Idea.objects.for_home(home).filter(text__iexact=IDEA).first()
    if idea is None:
        session = CoproductionSession.objects.for_home(home).order_by("-held_on", "-pk").first()
        if session is None:
            return None
        idea = idea_record(home=home, session=session, actor=actor, text=IDEA)
        idea.interests.set(Interest.objects.filter(name__in=["Fishing", "Nature"]))
    if idea.status == Idea.Status.NEW:
        idea_status_set(home=home, idea=idea, actor=actor, status=Idea.Status.PLANNED)
    return idea


def _kwame(home, today):
    """The volunteer driver in the bank who may drive the minibus: Kwame."""
    driver = (
        volunteer_rules.drivers_with_facts(
            Driver.objects.for_home(home).filter(volunteer__full_name__startswith="Kwame")
        )
        .order_by("pk")
        .first()
    )
    if driver is None:
        return None
    settings = volunteer_rules.settings_for(home)
    if volunteer_rules.driver_blockers(driver, settings=settings, on=today + timedelta(days=7), minibus=True):
        driver.licence_categories = sorted({*driver.licence_categories, "D1"})
        driver.drives_minibus = True
        driver.licence_checked_on = today - timedelta(days=30)
        driver.save(update_fields=["licence_categories", "drives_minibus", "licence_checked_on"])
        midas = TrainingModule.objects.filter(slug="midas").first()
        if midas is not None:
            TrainingRecord.objects.create(
                home=home,
                volunteer=driver.volunteer,
                module=midas,
                completed_on=today - timedelta(days=100),
                expires_on=today + timedelta(days=4 * 365),
                provider="Community Transport Association",
            )
    return driver


def _outing(
    home, *, title, first_day, last_day, repeats, address, partnership, idea, staff, capacity, **extra
):
    activity = Activity.objects.create(
        home=home,
        title=title,
        kind=Activity.Kind.OUTING,
        transport=Activity.Transport.MINIBUS,
        address=address,
        partnership=partnership,
        idea=idea,
        capacity=capacity,
        first_day=first_day,
        last_day=last_day,
        repeats=repeats,
        starts=time(10, 0),
        ends=time(14, 0),
        nature=True,
        created_by=staff[0].user if staff else None,
        **extra,
    )
    activity.staff.set(staff)
    return activity


def _date(home, activity, day):
    starts = at_local(day, 10)
    return Occurrence.objects.create(
        home=home,
        activity=activity,
        starts_at=starts,
        ends_at=at_local(day, 14),
        status=Occurrence.Status.PLANNED,
    )


def _assess(home, activity, *, writer, approver, summary):
    outings.risk_assessment_save(
        home=home,
        actor=writer.user,
        activity=activity,
        summary=summary,
        emergency_plan=(
            "Ring 999 first, then the home. The nearest A&E is Rochdale Infirmary (urgent care) or the "
            "Royal Oldham. First aid kit and each resident's grab sheet are in the minibus bag."
        ),
        review_on=None,
        hazards=[
            {"hazard": h, "who_at_risk": who, "controls": controls, "level": level}
            for h, who, controls, level in HAZARDS
        ],
    )
    outings.risk_approve(home=home, actor=approver.user, activity=activity)


def _last_week(home, fishing, *, came, manager, carer, kwame, today):
    """It happened: attendance is one group entry in the connection log."""
    past = _date(home, fishing, today - timedelta(days=7))
    responses = ["active", "active", "passive", "disengaged"]
    notes = [
        "Caught a brown trout and beamed all afternoon",
        "",
        "Enjoyed watching and the tea",
        "Cold, asked to sit in the minibus",
    ]
    Occurrence.objects.filter(pk=past.pk).update(
        status=Occurrence.Status.CONFIRMED,
        confirmed_at=past.starts_at - timedelta(days=5),
        confirmed_by=manager.user,
        driver=kwame,
    )
    past.refresh_from_db()
    Attendee.objects.bulk_create(
        [
            Attendee(
                home=home, occurrence=past, resident=r, answer=Attendee.Answer.COMING, invited_by=carer.user
            )
            for r in came
        ]
    )
    attendance.attendance_record(
        home=home,
        actor=carer.user,
        membership=carer,
        occurrence=past,
        rows=list(zip(came, responses, notes, strict=True)),
    )


def _next_week(home, fishing, *, champion, manager, carer, kwame, today):
    """Confirmed, with residents invited (their answers) and their families."""
    coming = _date(home, fishing, today + timedelta(days=7))
    if kwame is not None:
        try:
            outings.occurrence_driver_set(home=home, actor=champion.user, occurrence=coming, driver=kwame)
            outings.occurrence_confirm(home=home, actor=manager.user, occurrence=coming)
        except DomainError:
            pass  # shown on the date's page as what is missing
    coming.refresh_from_db()
    # The quietest suggestions, and residents whose families have accounts (to invite them too).
    with_family = {link.resident_id for link in active_family_links(home)}
    ranked = [row.resident for row in invite_suggestions(home, coming)]
    suggested = ranked[:3] + [r for r in ranked[3:] if r.pk in with_family][:2]
    attendance.attendees_invite(home=home, actor=carer.user, occurrence=coming, residents=suggested)
    # Most would like to come; one without family here would rather not; one has not said yet.
    invited = list(Attendee.objects.for_home(home).filter(occurrence=coming).select_related("occurrence"))
    no_family = [a for a in invited if a.resident_id not in with_family]
    declined = no_family[-1] if no_family else None
    undecided = no_family[0] if len(no_family) > 1 else None
    for attendee in invited:
        if attendee == undecided:
            continue
        answer = Attendee.Answer.NOT_COMING if attendee == declined else Attendee.Answer.COMING
        attendance.attendee_answer_set(home=home, actor=carer.user, attendee=attendee, answer=answer)
    families = [
        a.resident
        for a in Attendee.objects.for_home(home)
        .filter(occurrence=coming)
        .exclude(answer=Attendee.Answer.NOT_COMING)
        .select_related("resident")
    ]
    _families(home, coming, carer, families)


def _families(home, coming, carer, families):
    """Their families invited; the first family has answered already."""
    try:
        events, _skipped = attendance.families_invite(
            home=home,
            actor=carer.user,
            occurrence=coming,
            residents=families,
            message="Come and fish with us, or just come for the tea. Wrap up warm by the water.",
        )
    except DomainError:
        pass  # nobody in these families has an account yet
    else:
        # The first family has answered already, through their own page.
        reply = (
            EventReply.objects.for_home(home)
            .filter(event__in=events)
            .select_related("membership__user")
            .first()
        )
        if reply is not None:
            event_reply(
                home=home,
                actor=reply.membership.user,
                membership=reply.membership,
                reply=reply,
                answer=EventReply.Answer.YES,
                adults=2,
                children=1,
                note="We'll bring a flask of tea.",
            )


def _canal(home, *, manager, carer, today):
    """In five days: planned, not confirmed yet (no driver)."""
    canal = _outing(
        home,
        title="Canal boat trip",
        first_day=today + timedelta(days=5),
        last_day=None,
        repeats=Activity.Repeats.ONCE,
        address="Rochdale Canal, Littleborough wharf",
        partnership=None,
        idea=None,
        staff=[carer],
        capacity=4,
        description="An hour on an accessible narrowboat, then lunch at the wharf café.",
        what_to_take="A warm coat; lunch money is not needed.",
        call_name="Rowan House minibus phone",
        call_phone="07700 900123",
    )
    _date(home, canal, today + timedelta(days=5))
    _assess(
        home,
        canal,
        writer=carer,
        approver=manager,
        summary="Four residents, two staff. Minibus to the wharf; the boat has a wheelchair lift.",
    )


def seed(*, home, residents, staff, today, rng):
    if Activity.objects.for_home(home).filter(title=FISHING).exists():
        return
    manager, champion, carer = _people(home)
    if manager is None or carer is None:
        return
    champion = champion or manager
    living = [r for r in residents if not r.has_left]
    if len(living) < 4:
        return
    idea = _idea(home, champion.user)
    anglers = Partnership.objects.for_home(home).filter(partner__name="Hollingworth Anglers").first()
    kwame = _kwame(home, today)
    fishing = _outing(
        home,
        title=FISHING,
        first_day=today - timedelta(days=7),
        last_day=today + timedelta(days=7),
        repeats=Activity.Repeats.FORTNIGHTLY,
        address="Hollingworth Lake visitor centre, Rakewood Road, Littleborough",
        partnership=anglers,
        idea=idea,
        staff=[carer, champion],
        capacity=6,
        description="Fishing from the accessible platform with members of Hollingworth Anglers, "
        "then tea at the visitor centre.",
        what_to_take="A warm coat and hat, waterproofs, sun cream; rods and bait are provided.",
        call_name="Rowan House minibus phone",
        call_phone="07700 900123",
        accessibility="Level path and an accessible platform with a rail; accessible toilet.",
    )
    fishing.interests.set(Interest.objects.filter(name__in=["Fishing", "Nature"]))
    _assess(
        home,
        fishing,
        writer=champion,
        approver=manager,
        summary="Up to six residents, two staff and a volunteer, with two members of the angling club. "
        "Minibus to the lake, fishing from the platform, tea at the visitor centre.",
    )
    _last_week(home, fishing, came=living[:4], manager=manager, carer=carer, kwame=kwame, today=today)
    _next_week(home, fishing, champion=champion, manager=manager, carer=carer, kwame=kwame, today=today)
    _canal(home, manager=manager, carer=carer, today=today)
