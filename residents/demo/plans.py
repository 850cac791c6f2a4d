"""Demo personal plans: every resident gets a believable plan written in the
first person, one to four people who matter, interests from the shared list
and, for most, a review (some overdue) taken before a later small change, so
"what has changed since the last review" shows something real.

Idempotent (only residents without a plan are seeded; people and reviews only
for the plans created now) and bulk: a thousand residents take seconds.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from homes.models import Interest
from residents.models import PersonalPlan, PersonWhoMatters, PlanReview, RelativeLink
from residents.selectors.plans import plan_snapshot

WOMEN = {
    "Margaret", "Dorothy", "Joan", "Elizabeth", "Jean", "Patricia", "Eileen", "Mary", "Irene", "Doris",
    "Elsie", "Edna", "Sheila", "Brenda", "Iris", "Vera", "Maureen", "Audrey", "Pauline", "Winifred",
    "Rashida", "Krystyna",
}  # fmt: skip
MEN = {
    "George", "Arthur", "Harold", "Albert", "Frank", "Kenneth", "Stanley", "Ronald", "Dennis", "Walter",
    "Eric", "Leonard", "Frederick", "Norman", "Raymond", "Bernard", "Douglas", "Gurdeep",
}  # fmt: skip

TOWNS = [
    "Leeds", "Bradford", "Halifax", "Wakefield", "Sheffield", "Salford", "Liverpool", "Newcastle",
    "Sunderland", "Glasgow", "Dundee", "Cardiff", "Swansea", "Birmingham", "Coventry", "Hull",
    "Nottingham", "Leicester", "Bristol", "Plymouth", "Belfast", "Preston",
]  # fmt: skip
WELSH_TOWNS = ["Cardiff", "Swansea", "Merthyr Tydfil", "Llanelli", "Aberystwyth"]
SEASIDE = [
    "Scarborough", "Whitby", "Blackpool", "Llandudno", "Skegness", "Filey", "Tenby", "Rothesay",
    "Morecambe", "Weston-super-Mare", "Torquay", "the Isle of Man",
]  # fmt: skip
STREETS = ["Beck Lane", "Church Street", "Victoria Road", "Albert Terrace", "Mill Hill", "Station Road"]

# (occupation, first line of my story, interests it suggests, a note on hobbies)
OCCUPATIONS = [
    ("Bus conductor", "I was a bus conductor in {town} for thirty years. I knew every stop and half the "
     "passengers by name.", ["Trains", "Local history", "Football"], "Can still name every stop on the "
     "number 42. Follows the football results every Saturday."),
    ("Nurse", "I trained as a nurse at {town} Infirmary and worked nights on the children's ward for most "
     "of my career.", ["Knitting and sewing", "Reading", "Church"], "Knits baby hats for the hospital."),
    ("Miner, then taxi driver", "I went down the pit at fifteen, like my father. When it closed I drove a "
     "taxi round {town} until I retired.", ["Snooker", "Gardening", "Dogs"], "Kept whippets and grew "
     "prize leeks on the allotment."),
    ("Primary school teacher", "I taught at the primary school in {town} for thirty-five years. I still "
     "get cards from old pupils.", ["Reading", "History", "Crosswords and puzzles", "Poetry"],
     "Does the crossword every morning and likes to be asked for help with it."),
    ("Mill worker", "I left school at fourteen and worked in the woollen mill in {town}. Noisy, hard work, "
     "but the best friends of my life.", ["Knitting and sewing", "Dancing", "Singing"],
     "Loved the Saturday dances at the Mecca."),
    ("Shopkeeper", "My {partner} and I ran the corner shop on {street} for twenty-five years. Everybody "
     "came in for a chat.", ["Cards and board games", "Quizzes", "Cooking"], "A demon at rummy."),
    ("Welder at the shipyard", "I served my apprenticeship at the shipyard and became a welder. We built "
     "ships that went all over the world.", ["DIY and woodwork", "Model making", "Military history"],
     "Made furniture for all the grandchildren."),
    ("Seamstress", "I was a seamstress. I made wedding dresses for half the brides in {town}.",
     ["Knitting and sewing", "Fashion", "Crafts"], "Notices everyone's clothes and loves a compliment "
     "on her own."),
    ("Sheep farmer", "I farmed sheep in the hills above {town} all my life, as my family had for "
     "generations.", ["Farm animals", "Walking", "Nature", "Dogs"], "Lambing season still matters: "
     "ask about the lambs in spring."),
    ("Postman", "I worked for the Post Office in {town} for twenty-eight years, out in all weathers.",
     ["Walking", "Local history", "Birdwatching"], "Knows the name of every bird at the feeder."),
    ("School cook", "I was the cook at the school in {town}. I can still make shepherd's pie for three "
     "hundred.", ["Baking", "Cooking", "Singing"], "Judged the Victoria sponge at the village show."),
    ("Legal secretary", "I was a secretary at a solicitors' office in {town} and could type faster than "
     "anyone.", ["Crosswords and puzzles", "Reading", "Films"], "Loves old black-and-white films."),
    ("Railwayman", "I worked on the railways, firing steam engines out of {town} before the diesels came.",
     ["Trains", "Model making", "History", "Radio"], "Listens to the radio most evenings; built a model "
     "railway in the loft."),
    ("Hairdresser", "I had my own salon in {town}. Saturday mornings were full of gossip and laughter.",
     ["Fashion", "Music", "Dancing"], "Likes her hair done before visitors come."),
    ("Soldier", "I did my National Service and stayed in the army for twenty-two years, in Germany, Cyprus "
     "and Aden.", ["Military history", "Model making", "Travel", "Cards and board games"], "Goes to the "
     "Remembrance service every year. Built model aircraft with his sons."),
    ("Car plant worker", "I worked on the line at the car plant in {town} for most of my life.",
     ["Cars and motorbikes", "Football", "Snooker"], "Can talk about engines for hours."),
    ("Librarian", "I was a librarian in {town}. I have read just about everything, twice.",
     ["Reading", "Poetry", "Local history"], "Enjoys being read to now that the print is hard."),
    ("Dinner lady", "I brought up five children and was a dinner lady at their school.",
     ["Baking", "Singing", "Jigsaws"], "Does a jigsaw a week with anyone who will sit with her."),
    ("Bus driver", "I came to {town} from Punjab in 1964 and drove buses there for thirty years.",
     ["Cricket", "Gurdwara", "Gardening"], "Grows chillies and coriander on the windowsill."),
    ("Tailor", "I came to England from Kraków in 1961 and worked as a tailor in {town}.",
     ["Knitting and sewing", "Music", "Church"], "Loves Chopin and Polish carols."),
]  # fmt: skip

WHAT_MATTERS = [
    "Seeing {person} every week.",
    "A proper cup of tea: milky, two sugars, in my own mug.",
    "Being dressed smartly, with my hair done, before anyone visits.",
    "Radio 2 on in the mornings.",
    "Sitting by the window where I can see the birds.",
    "My photographs of {town} on the wall.",
    "Not being rushed in the mornings.",
    "Having my handbag with me.",
    "The football results on a Saturday.",
    "A bit of fresh air every day, even in the rain.",
    "Being asked, not told.",
    "A good laugh with the staff.",
    "Phoning {person} on Sunday evenings.",
]
FAITH_MATTERS = {
    "Sikh": "Saying my prayers in the morning.",
    "Muslim": "Time and a quiet place to pray.",
    "Catholic": "Mass on a Sunday, even on the television.",
}

HEARING = [
    "",
    "",
    "Hearing aid in the left ear; check the battery each morning.",
    "Hearing aids in both ears. Face me and speak clearly — no need to shout.",
    "Hard of hearing on the right side. Sit on my left.",
    "Good hearing.",
]
SIGHT = [
    "",
    "Glasses for reading; they live on the bedside table.",
    "Macular degeneration: large print and good light help.",
    "Cataract in the right eye; come to me from the left.",
    "Partially sighted. Say who you are when you come in.",
]
SPEECH = [
    "",
    "",
    "Finds words slowly when tired. Give me time and don't finish my sentences.",
    "Speech affected by a stroke; yes/no questions and the picture board help.",
    "Can lose the thread in long conversations: one thing at a time.",
]
BEST_TIME = [
    "Mornings, after breakfast",
    "Late morning",
    "After lunch, once I've had a rest",
    "Early evening",
    "Afternoons — mornings are slow",
]
HELPS = [
    "Sit at my level and say my name first.",
    "Show me photographs to get us started.",
    "Talk about {town}.",
    "A quiet room with the television off.",
    "Write things down in large letters.",
    "A hand on my arm when you start talking.",
]
AVOID = [
    "Talking over me to my family.",
    "Calling me “love” or “dear”.",
    "Too many people at once.",
    "Rushing me.",
    "The noisy lounge at mealtimes.",
]
DEVICES = [
    "",
    "Big-button mobile phone",
    "An iPad from my grandson",
    "Kindle with large print",
    "Radio and a CD player",
    "Smartphone (forgets the PIN — it is in the care plan)",
]
TECH_SUPPORT = {
    PersonalPlan.VideoCalls.WITH_SUPPORT: "Needs someone to hold the tablet and start the call; stay for "
    "the first few minutes.",
    PersonalPlan.VideoCalls.NOT_FOR_ME: "Finds faces on a screen confusing and upsetting. Phone calls or "
    "letters instead.",
    PersonalPlan.VideoCalls.WELCOME: "Can manage video calls alone once the tablet is charged.",
}
FAITH = [
    "Church of England; St Mary's on a Sunday when I can.",
    "Methodist; the Wednesday fellowship group.",
    "Royal British Legion member.",
    "Women's Institute for fifty years.",
    "The working men's club on a Friday night.",
    "Not religious, but loves the carol service.",
]
GOALS = [
    "Get to {person}'s wedding in June.",
    "Go back to the bowls club, even just to watch.",
    "Write to my old friend again.",
    "A video call with the family in Australia at Christmas.",
    "Get out into the garden every day it's dry.",
    "Go to church at Christmas.",
    "Make a friend here who likes {interest}.",
    "Visit {town} once more.",
    "Join the singing group on Thursdays.",
]
ANXIOUS = [
    "A familiar face with me, and knowing where the toilets are.",
    "Short trips first; the minibus rather than a car.",
    "Take my coat and handbag so I feel ready.",
    "Tell me the plan the day before, not on the morning.",
    "A wheelchair for longer distances, so I don't worry about falling.",
]
AGREED = [
    "Keep the weekly calls going; try one video call a month with support.",
    "Ask the singing group to call in on Thursdays.",
    "Key worker to write a letter with {name} to an old friend.",
    "Plan a short trip to the garden centre in the minibus.",
    "Look for a volunteer who shares the interest in {interest}.",
    "No changes: the plan still feels right.",
]

WOMEN_FIRST = ["Susan", "Karen", "Julie", "Deborah", "Janet", "Linda", "Claire", "Helen", "Sarah", "Gillian"]
MEN_FIRST = ["David", "Stephen", "Paul", "Mark", "Andrew", "Gary", "Ian", "Martin", "Kevin", "Neil"]
OTHER_SURNAMES = ["Ashworth", "Pickering", "Lowe", "Sutcliffe", "Barnes", "Holt", "Kerr", "Pritchard"]
# Notes that fit how someone keeps in touch.
NOTES = {
    "by_visit": ["Visits on Wednesdays after work.", "Doesn't drive; comes on the bus.", "Brings the dog."],
    "by_phone": ["Rings on Sunday evenings after six.", "Works nights: call after lunch."],
    "by_video": ["Lives in Canada: mornings are best for a video call.", "Video calls on the family tablet."],
    "by_letter": ["Sends a card every birthday.", "Writes every month with news of the village."],
}
# (relationship, woman's name?, ways, how often)
RELATIVES = [
    ("daughter", True, ("by_visit", "by_phone"), PersonWhoMatters.Frequency.WEEKLY),
    ("son", False, ("by_visit", "by_phone"), PersonWhoMatters.Frequency.FORTNIGHTLY),
    ("granddaughter", True, ("by_video", "by_phone"), PersonWhoMatters.Frequency.MONTHLY),
    ("grandson", False, ("by_video",), PersonWhoMatters.Frequency.MONTHLY),
    ("niece", True, ("by_phone", "by_letter"), PersonWhoMatters.Frequency.MONTHLY),
    ("old friend", None, ("by_letter", "by_phone"), PersonWhoMatters.Frequency.NOW_AND_THEN),
    ("former neighbour", None, ("by_visit",), PersonWhoMatters.Frequency.MONTHLY),
    ("sister", True, ("by_phone",), PersonWhoMatters.Frequency.TWICE_WEEKLY),
]
# How the demo family accounts keep in touch, by their link's relationship.
ACCOUNT_WAYS = {relationship: (ways, every) for relationship, _, ways, every in RELATIVES} | {
    "son-in-law": (("by_visit", "by_phone"), PersonWhoMatters.Frequency.FORTNIGHTLY),
    "nephew": (("by_phone", "by_visit"), PersonWhoMatters.Frequency.MONTHLY),
    "friend": (("by_visit", "by_phone"), PersonWhoMatters.Frequency.MONTHLY),
    "neighbour": (("by_visit",), PersonWhoMatters.Frequency.MONTHLY),
    "family friend": (("by_visit", "by_phone"), PersonWhoMatters.Frequency.FORTNIGHTLY),
}
CLOSE_FAMILY = ("daughter", "son", "son-in-law")


def _first_name(resident):
    return resident.full_name.split(" ")[0]


def _language(resident, rng):
    first, surname = _first_name(resident), resident.full_name.split(" ")[-1]
    if first == "Gurdeep" or surname == "Singh":
        return "Punjabi first; English for everyday things", "Sikh; the gurdwara in {town}.", "Sikh"
    if first == "Krystyna" or surname in ("Kowalski", "Nowak"):
        return "Polish; English is fading — a few Polish words help a lot", "Catholic.", "Catholic"
    if first == "Rashida" or surname in ("Khan", "Ahmed"):
        return "Urdu and English", "Muslim; prays five times a day.", "Muslim"
    if surname in ("Evans", "Davies", "Morgan", "Lloyd", "Price", "Jenkins") and rng.random() < 0.5:
        return "Welsh and English; happiest in Welsh", "", "Welsh"
    return "English", "", ""


def _video_choice(rng):
    roll = rng.random()
    if roll < 0.25:
        return PersonalPlan.VideoCalls.WELCOME
    if roll < 0.6:
        return PersonalPlan.VideoCalls.WITH_SUPPORT
    if roll < 0.8:
        return PersonalPlan.VideoCalls.NOT_FOR_ME
    return PersonalPlan.VideoCalls.UNKNOWN


def _people_for(resident, rng, surname, ecs, accounts=()):
    """One to four people who matter. ``accounts`` are the demo family accounts
    linked to the resident, as (full name, email, relationship, essential care
    supporter?): each is in the plan under the same name and relationship."""
    count = rng.choice([1, 2, 2, 3, 3, 4])
    picks = [RELATIVES[0] if rng.random() < 0.6 else RELATIVES[1]]
    picks += rng.sample(RELATIVES[2:], count - 1)
    taken = {relationship for _, _, relationship, _ in accounts}
    if taken & set(CLOSE_FAMILY):
        picks = picks[1:]  # the account is the son or daughter
        ecs, account_ecs = False, ecs
    else:
        account_ecs = False
    picks = [pick for pick in picks if pick[0] not in taken]
    used = {name.split(" ")[0] for name, _, _, _ in accounts}
    notes_used = set()
    people = []
    for n, (relationship, is_woman, ways, every) in enumerate(picks):
        female = rng.random() < 0.6 if is_woman is None else is_woman
        first = rng.choice([x for x in (WOMEN_FIRST if female else MEN_FIRST) if x not in used])
        used.add(first)
        family = relationship not in ("old friend", "former neighbour")
        last = (
            surname
            if family and not (female and relationship == "daughter" and rng.random() < 0.5)
            else (rng.choice(OTHER_SURNAMES))
        )
        fitting = [n for way in ways for n in NOTES[way] if n not in notes_used]
        note = rng.choice(fitting) if fitting and rng.random() < 0.6 else ""
        notes_used.add(note)
        number = rng.randint(100, 999)
        phone = f"01632 960{number}" if rng.random() < 0.6 else f"07700 900{number}"
        email = (
            f"{first.lower()}.{last.lower().replace(chr(39), '')}@example.com" if rng.random() < 0.6 else ""
        )
        people.append(
            PersonWhoMatters(
                home_id=resident.home_id,
                resident_id=resident.pk,
                name=f"{first} {last}",
                relationship=relationship,
                phone=phone,
                email=email,
                contact_every_days=every,
                essential_care_supporter=ecs and n == 0,
                notes=note,
                **{way: True for way in ways},
            )
        )
    for name, address, relationship, supporter in accounts:
        ways, every = ACCOUNT_WAYS.get(relationship, (("by_visit",), PersonWhoMatters.Frequency.MONTHLY))
        person = PersonWhoMatters(
            home_id=resident.home_id,
            resident_id=resident.pk,
            name=name,
            relationship=relationship,
            email=address,
            contact_every_days=every,
            essential_care_supporter=supporter or (account_ecs and relationship in CLOSE_FAMILY),
            **{way: True for way in ways},
        )
        if relationship in CLOSE_FAMILY:
            people.insert(0, person)
        elif len(people) >= 4:
            people[-1] = person
        else:
            people.append(person)
    return people


def _plan_for(resident, rng, interests_by_name, today, accounts=()):
    first = _first_name(resident)
    woman = first in WOMEN if first in WOMEN | MEN else None
    surname = resident.full_name.split(" ")[-1]
    language, faith_text, faith = _language(resident, rng)
    if faith == "Sikh":
        occupation = OCCUPATIONS[-2]
    elif first == "Krystyna" or faith == "Catholic":
        occupation = OCCUPATIONS[-1]
    else:
        occupation = rng.choice(OCCUPATIONS[:-2])
    job, opener, suggested, hobby = occupation
    town = rng.choice(WELSH_TOWNS if faith == "Welsh" else TOWNS)
    origin = {"Sikh": "a village near Jalandhar, in Punjab", "Catholic": "Kraków"}.get(faith, town)
    seaside = rng.choice(SEASIDE)
    partner = {True: "husband", False: "wife"}.get(woman, "late partner")
    people = _people_for(resident, rng, surname, ecs=rng.random() < 0.34, accounts=accounts)
    lead = people[0]
    names = [n for n in suggested if n in interests_by_name]
    extras = [n for n in interests_by_name if n not in names]
    names += rng.sample(extras, rng.randint(0, 2))
    names = names[: rng.choice([2, 3, 3, 4, 4, 5])] if len(names) > 2 else names
    story = " ".join(
        [
            opener.format(town=town, partner=partner, street=rng.choice(STREETS)),
            f"I grew up in {origin}, the {rng.choice(['eldest', 'youngest', 'middle one'])} of "
            f"{rng.choice(['three', 'four', 'five', 'seven'])}.",
            f"{lead.name.split(' ')[0]}, my {lead.relationship}, is my rock.",
            f"Every summer we went to {seaside}, and I would go back tomorrow.",
        ]
    )
    matters = rng.sample(WHAT_MATTERS, 3)
    if faith in FAITH_MATTERS:
        matters[0] = FAITH_MATTERS[faith]
    what_matters = " ".join(m.format(person=lead.name.split(" ")[0], town=town) for m in matters)
    video = _video_choice(rng)
    plan = PersonalPlan(
        home_id=resident.home_id,
        resident_id=resident.pk,
        what_matters=what_matters,
        about_me=story,
        hearing=rng.choice(HEARING),
        sight=rng.choice(SIGHT),
        speech=rng.choice(SPEECH),
        language=language,
        best_time_of_day=rng.choice(BEST_TIME),
        communication_helps=rng.choice(HELPS).format(town=town),
        communication_avoid=rng.choice(AVOID),
        video_calls=video,
        # Everyone here has someone who rings, so phone calls are never "not for me".
        phone_calls=rng.choice(
            [PersonalPlan.PhoneCalls.WELCOME] * 3
            + [PersonalPlan.PhoneCalls.WITH_SUPPORT] * 2
            + [PersonalPlan.PhoneCalls.UNKNOWN]
        ),
        own_devices=rng.choice(DEVICES),
        technology_support=TECH_SUPPORT.get(video, ""),
        interests_notes=hobby,
        former_occupation=job,
        places=(
            f"Grew up in {town}. {seaside} every summer."
            if origin == town
            else f"{origin[0].upper()}{origin[1:]}, where I grew up. {town}, home for sixty years. "
            f"Days out to {seaside}."
        ),
        faith_and_groups=faith_text.format(town=town) or (rng.choice(FAITH) if rng.random() < 0.5 else ""),
        goals=rng.choice(GOALS).format(person=lead.name.split(" ")[0], interest=names[0].lower(), town=town),
        anxious_going_out=rng.choice(ANXIOUS) if rng.random() < 0.4 else "",
        updated_by_id=resident.key_worker_id,
    )
    return plan, names, people


def _later_change(plan, names, people, *, rng, interests_by_name, resident, keep=()):
    """A small change made after the review, so the page has something to show."""
    kind = rng.choice(["interest", "time", "video", "goal", "person", "gone"])
    if kind == "interest" and len(names) >= 5:
        names.pop()
    elif kind == "interest":
        names.append(rng.choice([n for n in interests_by_name if n not in names]))
    elif kind == "time":
        plan.best_time_of_day = rng.choice([t for t in BEST_TIME if t != plan.best_time_of_day])
    elif kind == "video" and plan.video_calls != PersonalPlan.VideoCalls.WITH_SUPPORT:
        plan.video_calls = PersonalPlan.VideoCalls.WITH_SUPPORT
        plan.technology_support = TECH_SUPPORT[PersonalPlan.VideoCalls.WITH_SUPPORT]
    elif kind == "goal":
        plan.goals = f"{plan.goals} Try the new Tuesday coffee morning at the library."
    elif kind == "person":
        people.append(
            PersonWhoMatters(
                home_id=resident.home_id,
                resident_id=resident.pk,
                name=f"{rng.choice(WOMEN_FIRST)} {resident.full_name.split(' ')[-1]}",
                relationship="great-granddaughter",
                by_video=True,
                contact_every_days=PersonWhoMatters.Frequency.MONTHLY,
                notes="Born this year: photos by email.",
            )
        )
    elif len(people) > 1 and people[-1].name not in keep:
        people[-1].is_active = False
    else:
        plan.communication_helps = f"{plan.communication_helps} Photos of the family help."


def seed(*, home, residents, staff, today, rng):
    have_plan = set(PersonalPlan.objects.for_home(home).values_list("resident_id", flat=True))
    todo = [r for r in residents if r.pk not in have_plan]
    if not todo:
        return
    interests_by_name = {i.name: i for i in Interest.objects.all()}
    staff_ids = [u.pk for u in staff] or [None]
    # The demo family accounts are in the plans of the residents they follow.
    links = {}
    for link in RelativeLink.objects.for_home(home).select_related("membership__user").order_by("id"):
        links.setdefault(link.resident_id, []).append(link)
    tied = []  # (link, the person in the plan)
    plans, interest_names, all_people, reviews = [], [], [], []
    for resident in todo:
        accounts = [
            (
                link.membership.user.full_name,
                link.membership.user.email,
                link.relationship,
                link.membership.user.email.startswith("family@") and link.relationship in CLOSE_FAMILY,
            )
            for link in links.get(resident.pk, [])
        ]
        plan, names, people = _plan_for(resident, rng, interests_by_name, today, accounts)
        for link in links.get(resident.pk, []):
            name = link.membership.user.full_name
            tied.append(
                (link, next(p for p in people if p.name == name and p.relationship == link.relationship))
            )
        review = None
        days_here = (today - resident.admitted_on).days
        if days_here > 30 and rng.random() < 0.85:
            reviewed_on = max(
                resident.admitted_on + timedelta(days=14), today - timedelta(days=rng.randint(10, 240))
            )
            review = PlanReview(
                home_id=home.pk,
                reviewed_on=reviewed_on,
                resident_took_part=rng.random() < 0.9,
                key_worker_took_part=rng.random() < 0.85,
                relatives_took_part=", ".join(p.name for p in people[: rng.randint(0, 2)]),
                others_took_part=rng.choice(["", "", "Activity co-ordinator", "Advocate"]),
                notes=rng.choice(AGREED).format(name=resident.short_name, interest=names[0].lower()),
                snapshot=plan_snapshot(plan, interests=[interests_by_name[n] for n in names], people=people),
                reviewed_by_id=resident.key_worker_id or rng.choice(staff_ids),
            )
            plan.review_due_on = reviewed_on + timedelta(days=182)
            if rng.random() < 0.75:
                _later_change(
                    plan,
                    names,
                    people,
                    rng=rng,
                    interests_by_name=interests_by_name,
                    resident=resident,
                    keep={name for name, _, _, _ in accounts},
                )
        elif days_here <= 30:
            plan.review_due_on = resident.admitted_on + timedelta(days=42)
        plans.append(plan)
        interest_names.append(names)
        all_people.extend(people)
        reviews.append(review)
    PersonalPlan.objects.bulk_create(plans, batch_size=500)
    through = PersonalPlan.interests.through
    through.objects.bulk_create(
        [
            through(personalplan_id=plan.pk, interest_id=interests_by_name[name].pk)
            for plan, names in zip(plans, interest_names, strict=True)
            for name in dict.fromkeys(names)
        ],
        batch_size=2000,
    )
    PersonWhoMatters.objects.bulk_create(all_people, batch_size=1000)
    # People who matter were in the plan from the resident's first weeks, not
    # from the moment the demo was seeded (the dashboards' trends count them from then).
    admitted = {r.pk: r.admitted_on for r in residents}
    for person in all_people:
        day = min(admitted[person.resident_id] + timedelta(days=7), today)
        person.created_at = timezone.make_aware(datetime.combine(day, time(10)))
    PersonWhoMatters.objects.bulk_update(all_people, ["created_at"], batch_size=1000)
    for link, person in tied:
        link.person_id = person.pk
    RelativeLink.objects.bulk_update([link for link, _ in tied], ["person"])
    for plan, review in zip(plans, reviews, strict=True):
        if review is not None:
            review.plan_id = plan.pk
    PlanReview.objects.bulk_create([r for r in reviews if r is not None], batch_size=500)
