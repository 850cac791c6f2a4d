"""Reads for peers: friendships, buddies, support flags and suggestions of
residents who might enjoy each other's company.

Suggestions are worked out in Python from the plans of every current resident,
loaded in two queries (residents with their plans, then all their interests), so
the friends page costs the same however many people live in the home.
"""

import re
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Prefetch, Q

from homes.models import Interest
from residents.models import Friendship, Resident, SupportFlag

NEW_RESIDENT_DAYS = 60
SUGGESTIONS_SHOWN = 5


def open_support_flags(home):
    """Residents who may need extra support now (e.g. a friend left or died)."""
    return (
        SupportFlag.objects.for_home(home)
        .filter(resolved_on__isnull=True)
        .select_related("resident", "about")
        .order_by("-raised_on", "-id")
    )


# --- Things in common ---------------------------------------------------------------------------

# Words that say nothing about a person on their own. Words under four letters
# are ignored anyway.
STOP_WORDS = frozenset(
    """
    about above after again also always among another around away back been before being below
    best between both born came come comes could days down during each else even ever every
    family from full gone good great grew grow grown have having here home house into just know
    last later like liked likes life lived lives living long love loved loves made make many more
    most much near never next often once only other over part place places quite really same
    some still such than that their them then there these they thing things this those time
    times told took towards under until used very want went were what when where which while
    with within without work worked working works would year years young older early late
    enjoy enjoys enjoyed enjoying mostly mainly sometimes usually whole most local lots
    monday tuesday wednesday thursday friday saturday sunday sundays weekend weekends morning
    mornings afternoon evening evenings night nights january february march april june july
    august september october november december twenty thirty forty fifty sixty seventy eighty
    ninety hundred first second third three four five seven eight nine eleven twelve
    """.split()
)

# Places: generic place words, so "the seaside" alone is not "from the same place".
PLACE_STOP_WORDS = frozenset(
    """
    area beach city coast country countryside farm hospital harbour holiday holidays village town
    street road park school church chapel shop shops seaside docks pier club abroad north south
    east west upper lower central flat flats estate visit visits visited visiting summer summers
    winter childhood parents grandparents married moved went stayed caravan trips trip
    """.split()
)

FAITH_STOP_WORDS = frozenset(
    """
    goes going attend attends attended attending member members regular regularly service services
    sunday sundays weekly group groups meeting meetings community faith belief beliefs sings
    singing society club used still every week month monthly religious religion prays pray daily
    """.split()
)

OCCUPATION_STOP_WORDS = frozenset(
    """
    retired part full company firm business job jobs career senior junior head chief assistant
    before after later then until factory's worked working trained training apprentice worker
    """.split()
)

# Shared occupation words that name a trade rather than a job title.
OCCUPATION_SYNONYMS = {
    "nursing": "nurse",
    "teaching": "teacher",
    "farming": "farmer",
    "mining": "miner",
    "engineering": "engineer",
    "baking": "baker",
    "accountancy": "accountant",
    "banking": "banker",
    "plumbing": "plumber",
    "hairdressing": "hairdresser",
    "joinery": "joiner",
}
JOB_WORDS = frozenset(
    """
    nurse cook chef clerk midwife housewife secretary mechanic pilot judge nanny surgeon priest
    vicar monk model typist guard cleaner carer postie shepherd cobbler seamstress waitress
    stewardess hairdresser matron lady
    """.split()
)
JOB_ENDINGS = ("er", "or", "ist", "ian", "man", "woman")
NOT_JOBS = frozenset(
    """
    water paper power silver copper timber leather river tower corner border number summer winter
    other after never under order weather member rubber butter motor floor door mirror harbor
    manor meter dinner
    """.split()
)

# Faith: a shared place of worship or tradition reads as something people do.
WORSHIP = {
    "church": "Both go to church",
    "kirk": "Both go to the kirk",
    "chapel": "Both go to chapel",
    "cathedral": "Both go to the cathedral",
    "mass": "Both go to Mass",
    "mosque": "Both go to the mosque",
    "synagogue": "Both go to the synagogue",
    "shul": "Both go to the synagogue",
    "gurdwara": "Both go to the gurdwara",
    "temple": "Both go to the temple",
    "mandir": "Both go to the mandir",
    "choir": "Both sing in a choir",
}
TRADITIONS = frozenset(
    """
    catholic methodist baptist anglican presbyterian episcopalian quaker pentecostal evangelical
    orthodox muslim jewish hindu sikh buddhist christian
    """.split()
)

WEIGHTS = {"interests": 2, "places": 2, "occupation": 3, "faith": 2}

_WORD = re.compile(r"[^\W\d_](?:[\w'’-]*[^\W\d_])?")
# Small words that may sit inside a name: "Isle of Man", "Church of England".
_NAME_LINKS = frozenset({"of", "upon", "on", "the", "de", "la", "le"})
# What comes before a place someone is from (rather than one they visited).
_FROM_AFTER = re.compile(r"^,? where (?:i|she|he|they) (?:grew up|was born|were born)")
_FROM = re.compile(
    r"(?:grew up|born|brought up|raised|bred|lived|lived all (?:my|her|his) life) in(?: the)?$|from(?: the)?$"
)


def _key(word):
    key = word.lower().replace("’", "'")
    if key.endswith("'s"):
        key = key[:-2]
    if len(key) > 4 and key.endswith("s") and not key.endswith("ss"):
        key = key[:-1]
    return key


class Words:
    """The significant words of a piece of free text (at least four letters,
    not a stop-word; plurals and possessives folded: "nurses", "nurse's" →
    "nurse"), and where each was written, so a reason can quote the text."""

    def __init__(self, text, extra_stop_words=frozenset(), synonyms=None):
        self.text = text or ""
        self.tokens = [(m.group(0), m.start()) for m in _WORD.finditer(self.text)]
        self.at = {}  # key → index of its first token
        for index, (word, _) in enumerate(self.tokens):
            key = _key(word)
            if len(key) < 4 or key in STOP_WORDS or key in extra_stop_words or word.lower() in STOP_WORDS:
                continue
            self.at.setdefault((synonyms or {}).get(key, key), index)

    def keys(self):
        return self.at.keys()

    def __contains__(self, key):
        return key in self.at

    def word(self, key):
        return self.tokens[self.at[key]][0]

    def name(self, key):
        """The capitalised name the word is part of, as written ("Isle of
        Man", "Women's Institute"), or None if it is not capitalised."""
        index = self.at[key]
        if not self.tokens[index][0][0].isupper():
            return None
        start = end = index
        while start > 0 and self._joins(start - 1, start):
            start -= 1
        while end + 1 < len(self.tokens) and self._joins(end, end + 1):
            end += 1
        while self.tokens[start][0].lower() in _NAME_LINKS:
            start += 1
        first, last = self.tokens[start], self.tokens[end]
        return self.text[first[1] : last[1] + len(last[0])]

    def _joins(self, left, right):
        """Whether two neighbouring tokens belong to one name: capitalised
        words with nothing but spaces (or a small linking word) between."""
        (a, a_at), (b, b_at) = self.tokens[left], self.tokens[right]
        if self.text[a_at + len(a) : b_at].strip():
            return False
        if b.lower() in _NAME_LINKS:
            return right + 1 < len(self.tokens) and self.tokens[right + 1][0][0].isupper()
        if a.lower() in _NAME_LINKS:
            return b[0].isupper()
        if a.lower() in STOP_WORDS or b.lower() in STOP_WORDS:  # "From Leith" is not a name
            return False
        return a[0].isupper() and b[0].isupper() and not self._sentence_start(right)

    def _sentence_start(self, index):
        before = self.text[: self.tokens[index][1]].rstrip()
        return not before or before[-1] in ".;:!?"

    def is_from(self, key):
        """Whether the text says the person is from there ("grew up in Leith")."""
        index = self.at[key]
        name = self.name(key)
        start = self.text.find(name) if name else self.tokens[index][1]
        end = start + len(name or self.tokens[index][0])
        before, after = self.text[:start].rstrip().lower(), self.text[end:].lower()
        return bool(_FROM.search(before) or _FROM_AFTER.match(after))

    def before(self, key):
        """The key of the word just before ``key`` ("mill" for "worker" in "Mill worker")."""
        index = self.at[key]
        return _key(self.tokens[index - 1][0]) if index else None


def significant_words(text, extra_stop_words=frozenset()):
    """{key: the word as written} for the words of ``text`` that could say
    something about a person."""
    words = Words(text, extra_stop_words)
    return {key: words.word(key) for key in words.keys()}


def _join(items):
    items = list(dict.fromkeys(items))
    if len(items) == 1:
        return items[0]
    comma = "," if any(" and " in item for item in items) else ""
    return ", ".join(items[:-1]) + f"{comma} and " + items[-1]


def _plural(word):
    if word.endswith("man"):
        return word[:-3] + "men"
    if word.endswith("wife"):
        return word[:-4] + "wives"
    if word.endswith(("s", "sh", "ch", "x")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def _is_job(key):
    return key in JOB_WORDS or (key.endswith(JOB_ENDINGS) and key not in NOT_JOBS)


def _interest(name):
    """ "Gardening" → "gardening", but "DIY and woodwork" stays as it is."""
    return name[0].lower() + name[1:] if name[1:2].islower() else name


@dataclass
class Profile:
    """What a resident's plan says that others might share."""

    interests: dict = field(default_factory=dict)  # id → name
    places: Words = field(default_factory=lambda: Words(""))
    occupation: Words = field(default_factory=lambda: Words(""))
    faith: Words = field(default_factory=lambda: Words(""))

    @classmethod
    def of(cls, resident):
        plan = getattr(resident, "plan", None)
        if plan is None:
            return cls()
        return cls(
            interests={i.pk: i.name for i in plan.interests.all()},
            places=Words(plan.places, PLACE_STOP_WORDS),
            occupation=Words(plan.former_occupation, OCCUPATION_STOP_WORDS, OCCUPATION_SYNONYMS),
            faith=Words(plan.faith_and_groups, FAITH_STOP_WORDS),
        )


def _shared_name(key, mine, theirs):
    """A shared word as a reason can show it: the whole name when both texts
    have it ("Isle of Man"), else the word (capitalised for a place)."""
    name = mine.name(key)
    if name and theirs.name(key) and name.lower() == theirs.name(key).lower():
        return name
    return mine.word(key)


def _in_common_places(mine, theirs):
    shared = [k for k in mine.keys() if k in theirs]
    names = {}
    for key in shared:
        names.setdefault(_shared_name(key, mine, theirs), mine.is_from(key) and theirs.is_from(key))
    home_towns = [n[0].upper() + n[1:] for n, both_from in names.items() if both_from]
    memories = [n[0].upper() + n[1:] for n, both_from in names.items() if not both_from]
    reasons = []
    if home_towns:
        reasons.append("Both from " + _join(home_towns))
    if memories:
        reasons.append("Both have memories of " + _join(memories))
    return reasons, len(shared)


def _in_common_work(mine, theirs):
    shared = [k for k in mine.keys() if k in theirs]
    jobs = [k for k in shared if _is_job(k)]
    if jobs:
        # "Mill worker" and "mill worker": both were mill workers, not just workers.
        titles = []
        for key in jobs:
            first = mine.before(key)
            if first in theirs and first == theirs.before(key) and not _is_job(first):
                titles.append(f"{first} {_plural(key)}")
            else:
                titles.append(_plural(key))
        return ["Both were " + _join(titles)], len(shared)
    trades = []
    for key in shared:
        name = _shared_name(key, mine, theirs)
        if name == mine.word(key) and mine._sentence_start(mine.at[key]):
            name = name.lower()
        trades.append(name if name.endswith("ing") else f"the {name}")
    return (["Both worked in " + _join(trades)] if trades else []), len(shared)


def _in_common_faith(mine, theirs):
    shared = [k for k in mine.keys() if k in theirs]
    worship = [WORSHIP[k] for k in shared if k in WORSHIP]
    traditions = [mine.word(k).capitalize() for k in shared if k in TRADITIONS]
    reasons = list(dict.fromkeys(worship))
    if traditions:
        reasons.append("Both are " + _join(traditions))
    # Other shared words count when both wrote them as a name (a group such as
    # "the Legion"); "carol" or "prays" alone make no sentence.
    named = [k for k in shared if mine.word(k)[0].isupper() and theirs.word(k)[0].isupper()]
    if named and not worship and not traditions:
        groups = []
        for key in named:
            name = _shared_name(key, mine, theirs)
            groups.append(name if name.lower().startswith("the ") else f"the {name}")
        reasons.append("Both involved with " + _join(groups))
    return reasons, len(shared)


def things_in_common(mine, theirs):
    """(reasons in plain words, strength) for two profiles."""
    reasons = []
    strength = 0

    shared = sorted(mine.interests.keys() & theirs.interests.keys(), key=lambda pk: mine.interests[pk])
    # A shared place of worship reads as something they do, not something they enjoy.
    worship = [WORSHIP[mine.interests[pk].lower()] for pk in shared if mine.interests[pk].lower() in WORSHIP]
    enjoyed = [pk for pk in shared if mine.interests[pk].lower() not in WORSHIP]
    if enjoyed:
        reasons.append("Both enjoy " + _join(_interest(mine.interests[pk]) for pk in enjoyed))
    strength += WEIGHTS["interests"] * len(shared)

    found, count = _in_common_places(mine.places, theirs.places)
    reasons += found
    strength += WEIGHTS["places"] * count

    found, count = _in_common_work(mine.occupation, theirs.occupation)
    reasons += found
    strength += WEIGHTS["occupation"] * count

    found, count = _in_common_faith(mine.faith, theirs.faith)
    reasons += [r for r in dict.fromkeys(worship + found) if r not in reasons]
    strength += WEIGHTS["faith"] * count

    return reasons, strength


@dataclass
class Suggestion:
    resident: Resident
    reasons: list
    strength: int


def rank_suggestions(resident, others, *, exclude_ids=frozenset(), limit=None):
    """The residents in ``others`` who share something with ``resident``,
    strongest first (then by name). Residents must carry their plan and its
    interests already (see ``residents_with_plans``)."""
    mine = Profile.of(resident)
    found = []
    for other in others:
        if other.pk == resident.pk or other.pk in exclude_ids:
            continue
        reasons, strength = things_in_common(mine, Profile.of(other))
        if reasons:
            found.append(Suggestion(other, reasons, strength))
    found.sort(key=lambda s: (-s.strength, s.resident.full_name, s.resident.pk))
    return found[:limit] if limit else found


def residents_with_plans(home):
    """The home's current residents with their plans and interests: two queries."""
    return list(
        Resident.objects.for_home(home)
        .current()
        .select_related("plan")
        .prefetch_related(Prefetch("plan__interests", queryset=Interest.objects.order_by("name")))
        .order_by("full_name", "id")
    )


def friendships_of(home, resident):
    """Every friendship and buddy pair of one resident, open ones first, each
    with ``other`` set to the other person."""
    friendships = list(
        Friendship.objects.for_home(home)
        .filter(Q(resident_a=resident) | Q(resident_b=resident))
        .select_related("resident_a", "resident_b", "recorded_by")
        .order_by("-started_on", "-id")
    )
    for f in friendships:
        f.other = f.resident_b if f.resident_a_id == resident.pk else f.resident_a
    return friendships


def support_flags_for(home, resident):
    return list(
        SupportFlag.objects.for_home(home)
        .filter(resident=resident, resolved_on__isnull=True)
        .select_related("about")
        .order_by("-raised_on", "-id")
    )


def is_new_resident(resident, today):
    return not resident.has_left and resident.admitted_on >= today - timedelta(days=NEW_RESIDENT_DAYS)


@dataclass
class FriendsPage:
    current: list
    earlier: list
    suggestions: list
    flags: list
    everyone: list  # current residents of the home but this one, by name
    buddy_choices: list  # suggested first, then everyone else (see buddy_choices_for)
    needs_buddy: bool

    @property
    def buddy_suggested(self):
        """Whether the buddy list starts with residents who share something."""
        return bool(self.buddy_choices) and isinstance(self.buddy_choices[0], tuple)


def friends_page(home, resident, *, today):
    """Everything the friends page shows, in a fixed number of queries."""
    friendships = friendships_of(home, resident)
    current = [f for f in friendships if f.ended_on is None]
    earlier = [f for f in friendships if f.ended_on is not None]
    flags = support_flags_for(home, resident)
    if resident.has_left:
        return FriendsPage(current, earlier, [], flags, [], [], False)

    me, everyone = others_for(home, resident)
    friend_ids = {f.other.pk for f in current}
    suggestions = rank_suggestions(me, everyone, exclude_ids=friend_ids, limit=SUGGESTIONS_SHOWN)

    has_buddy = any(f.kind == Friendship.Kind.BUDDY for f in current)
    needs_buddy = is_new_resident(resident, today) and not has_buddy
    buddy_choices = buddy_choices_for(me, everyone) if needs_buddy else []
    return FriendsPage(current, earlier, suggestions, flags, everyone, buddy_choices, needs_buddy)


def buddy_choices_for(resident, everyone):
    """The buddy list: residents who share something with ``resident`` first
    (strongest first), then everyone else by name — as (group, residents)
    pairs when there are suggestions, or a plain list when there are none."""
    suggested = [s.resident for s in rank_suggestions(resident, everyone)]
    if not suggested:
        return list(everyone)
    seen = {r.pk for r in suggested}
    return [("Might get on well", suggested), ("Everyone else", [r for r in everyone if r.pk not in seen])]


def others_for(home, resident):
    """(the resident with their plan loaded, every other current resident) for
    the forms that choose a friend or a buddy: two queries."""
    if resident.has_left:
        return resident, []
    everyone = residents_with_plans(home)
    me = next((r for r in everyone if r.pk == resident.pk), resident)
    return me, [r for r in everyone if r.pk != resident.pk]
