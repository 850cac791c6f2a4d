"""Demo co-production: per home five or six sessions over the last three
months, each run a different way, and the ideas residents raised in them, in
every status. Idempotent (a home that has sessions is left alone) and bulk."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from homes.models import Interest
from residents.models import CoproductionSession, Idea, Resident

M = CoproductionSession.Method
S = Idea.Status


def _outings_title(held_on):
    """Outings are planned for the season ahead."""
    if held_on.month in (2, 3, 4):
        return "Spring outings — where shall we go?"
    if held_on.month in (5, 6, 7):
        return "Summer outings — where shall we go?"
    if held_on.month in (8, 9, 10):
        return "Autumn outings — where shall we go?"
    return "Christmas and the winter — what would you like to do?"


# (days ago, method, title (text or a function of the date), how many residents,
#  others present, notes, [(idea, [interests], status, note)])
SESSIONS = [
    (
        84,
        M.GROUP_DISCUSSION,
        _outings_title,
        7,
        "Activity co-ordinator, two relatives",
        "Lots of talk about trips people used to take. Several said they would go out more if the "
        "minibus had a proper step and there was somewhere to sit down on arrival.",
        [
            (
                "A trip to the garden centre for tea and cake",
                ["Gardening"],
                S.DONE,
                "Eight residents went in the minibus. Everyone wants to go again in the spring.",
            ),
            (
                "Go to a match at the football ground",
                ["Football"],
                S.NOT_TAKEN_FORWARD,
                "The ground has no step-free seating this season, so instead we will watch the big "
                "match together in the lounge, with pies at half time.",
            ),
            ("An afternoon at the canal café, watching the boats", ["Walking", "Nature"], S.NEW, ""),
        ],
    ),
    (
        61,
        M.REMINISCENCE,
        "Memories of the seaside",
        5,
        "Beryl (volunteer)",
        "Postcards, a stick of rock and an old deckchair got everyone talking. Blackpool, Rhyl and "
        "Tenby were favourites; one gentleman worked the donkeys on the beach as a boy.",
        [
            (
                "A fish and chip supper, eaten out of the paper",
                ["Cooking"],
                S.DONE,
                "Friday supper from the chip shop on Mill Lane, with mushy peas. A great success.",
            ),
            (
                "Sing the old seaside songs round the piano",
                ["Singing", "Music"],
                S.PLANNED,
                "Tuesday afternoons in the lounge from next month.",
            ),
            ("Make a memory book of everyone's holiday postcards", ["Reminiscence", "Crafts"], S.NEW, ""),
        ],
    ),
    (
        40,
        M.SUGGESTION_BOX,
        lambda held_on: f"Suggestion box: {held_on:%B}",
        2,
        "",
        "Slips from the box in the hall, some with names and some without.",
        [
            (
                "A brass band visit",
                ["Music"],
                S.PLANNED,
                "The colliery band can come in the new year; we will confirm the date soon.",
            ),
            (
                "Could we have a cat living here?",
                ["Cats"],
                S.NOT_TAKEN_FORWARD,
                "Some residents are allergic, so not a cat of our own — but a therapy dog now visits "
                "every other Wednesday.",
            ),
            ("A visit from the nursery children to sing together", ["Singing"], S.NEW, ""),
        ],
    ),
    (
        24,
        M.HANDLING_ITEMS,
        "Handling session: 1950s kitchen",
        6,
        "Activity co-ordinator",
        "An enamel bread bin, a mangle, a ration book and a griddle. The griddle brought back "
        "memories of Sunday baking.",
        [
            (
                "Bake Welsh cakes on the griddle",
                ["Baking"],
                S.DONE,
                "Baked on a Sunday afternoon from a resident's family recipe; relatives joined in.",
            ),
            ("Make jam with the plums from the garden", ["Cooking", "Gardening"], S.NEW, ""),
        ],
    ),
    (
        12,
        M.ONE_TO_ONE,
        "One-to-one: what would make a good week?",
        1,
        "",
        "A long chat over a cup of tea in their room. They miss the match on a Saturday, and their local.",
        [
            (
                "A football memories afternoon",
                ["Football", "Reminiscence"],
                S.PLANNED,
                "The football club's heritage group will bring old programmes and photographs.",
            ),
            ("Go out for half a pint at the local", [], S.NEW, ""),
        ],
    ),
    (
        5,
        M.SENSORY,
        "Sensory session: sounds of the countryside",
        4,
        "Hannah (carer)",
        "Birdsong, running water and the smell of cut grass. Smiles and hums for the birdsong; one "
        "lady reached out to stroke the sheepskin.",
        [
            ("Feed the birds from the window of the lounge", ["Birdwatching", "Nature"], S.NEW, ""),
            (
                "An accessible fishing day at the reservoir",
                ["Fishing"],
                S.PLANNED,
                "The angling club has a wheelchair-friendly platform; we are arranging a date.",
            ),
        ],
    ),
]


def seed(*, home, residents, staff, today, rng):
    if CoproductionSession.objects.for_home(home).exists():
        return
    people = [r for r in residents if r.status == Resident.Status.CURRENT]
    if not people:
        return
    # Always the first four; then one or both of the most recent.
    chosen = SESSIONS[:4] + (SESSIONS[4:] if rng.random() < 0.5 else [rng.choice(SESSIONS[4:])])
    facilitators = staff[:3] or [None]

    sessions, plans = [], []
    for days_ago, method, title, how_many, others, notes, ideas in chosen:
        held_on = today - timedelta(days=days_ago + rng.randint(0, 3))
        sessions.append(
            CoproductionSession(
                home=home,
                held_on=held_on,
                method=method,
                title=title(held_on) if callable(title) else title,
                others_present=others,
                notes=notes,
                facilitator=rng.choice(facilitators),
            )
        )
        plans.append((rng.sample(people, min(how_many, len(people))), ideas))
    CoproductionSession.objects.bulk_create(sessions)

    interests = {i.name: i.pk for i in Interest.objects.all()}
    Through = CoproductionSession.participants.through
    participant_rows, idea_rows, idea_tags, changed_at = [], [], [], []
    for session, (participants, ideas) in zip(sessions, plans, strict=True):
        participant_rows += [
            Through(coproductionsession_id=session.pk, resident_id=r.pk) for r in participants
        ]
        for n, (text, tags, status, note) in enumerate(ideas):
            raised_by = participants[n % len(participants)] if participants and rng.random() < 0.8 else None
            changed = session.held_on + timedelta(days={S.NEW: 0, S.PLANNED: 3, S.DONE: 14}.get(status, 2))
            changed = min(changed, today)
            idea_rows.append(
                Idea(
                    home=home,
                    session=session,
                    text=text,
                    raised_by=raised_by,
                    status=status,
                    status_note=note,
                )
            )
            changed_at.append(timezone.make_aware(datetime.combine(changed, time(15, 30))))
            idea_tags.append([interests[t] for t in tags if t in interests])
    Through.objects.bulk_create(participant_rows)
    Idea.objects.bulk_create(idea_rows)
    # auto_now stamps every idea "now" on insert: give each the day it last changed.
    for idea, when in zip(idea_rows, changed_at, strict=True):
        idea.updated_at = when
    Idea.objects.bulk_update(idea_rows, ["updated_at"])
    IdeaTags = Idea.interests.through
    IdeaTags.objects.bulk_create(
        [
            IdeaTags(idea_id=idea.pk, interest_id=interest_id)
            for idea, tag_ids in zip(idea_rows, idea_tags, strict=True)
            for interest_id in tag_ids
        ]
    )
