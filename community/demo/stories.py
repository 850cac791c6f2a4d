"""Demo data of the area "stories": the story of last week's fishing trip
(linked to its date when the programme has one whose activity's title
contains "Fishing"), marked "went well", with photos drawn here with Pillow
(a lake, a trout, people on the jetty: shapes, no faces), residents tagged.

One photo includes the resident who withdrew consent for photos shared with
families last week (residents.demo.consent): the staff see it with a note
saying why families do not, and families never see it. If someone who
arrived too recently to have been asked is in the group, a fourth photo of
them shows the staff-only "Hidden" note.

Idempotent: a home with any story gets none added.
"""

from datetime import timedelta
from io import BytesIO
from uuid import uuid4

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from community.models import Occurrence, Story, StoryPhoto
from residents.models import PHOTO_PURPOSES, Consent, ConsentPurpose

W, H = 1200, 800
SKY, SKY_LOW = (142, 197, 232), (214, 236, 247)
HILL, HILL_FAR = (96, 140, 84), (140, 176, 120)
WATER, WATER_DEEP = (74, 139, 181), (52, 109, 152)
PEOPLE = [(196, 74, 60), (238, 178, 62), (70, 96, 160), (120, 72, 140), (60, 140, 120)]


def _sky(draw, top=0, bottom=H // 2):
    for y in range(top, bottom):
        t = (y - top) / max(1, bottom - top)
        colour = tuple(round(a + (b - a) * t) for a, b in zip(SKY, SKY_LOW, strict=True))
        draw.line([(0, y), (W, y)], fill=colour)


def _person(draw, x, ground, colour, *, height=200, seated=False):
    """A simple figure: a round head and a rounded body; no face."""
    body_h = height * (0.45 if seated else 0.65)
    head = height * 0.16
    top = ground - body_h
    draw.rounded_rectangle(
        [x - height * 0.16, top, x + height * 0.16, ground], radius=height * 0.12, fill=colour
    )
    draw.ellipse([x - head, top - head * 2.1, x + head, top - head * 0.1], fill=(233, 196, 160))
    draw.chord(
        [x - head * 1.05, top - head * 2.2, x + head * 1.05, top - head * 0.6], 180, 360, fill=(205, 205, 205)
    )


def _jpeg(image):
    out = BytesIO()
    image.save(out, format="JPEG", quality=85)
    return ContentFile(out.getvalue(), name=f"{uuid4().hex}.jpg")


def lake_picture():
    image = Image.new("RGB", (W, H))
    draw = ImageDraw.Draw(image)
    _sky(draw)
    draw.ellipse([930, 70, 1050, 190], fill=(255, 226, 122))
    draw.polygon(
        [(0, 400), (250, 260), (520, 380), (760, 250), (1200, 390), (1200, 420), (0, 420)], fill=HILL_FAR
    )
    draw.polygon([(0, 430), (300, 340), (640, 430)], fill=HILL)
    draw.rectangle([0, 420, W, H], fill=WATER)
    for y in range(460, H, 38):
        draw.line([(80 + (y % 3) * 60, y), (260 + (y % 3) * 60, y)], fill=WATER_DEEP, width=3)
        draw.line([(700 - (y % 4) * 40, y + 14), (860 - (y % 4) * 40, y + 14)], fill=(120, 172, 206), width=2)
    # The accessible platform and people fishing from it.
    draw.rectangle([420, 600, 1200, 640], fill=(150, 111, 74))
    for x in range(450, 1200, 90):
        draw.rectangle([x, 640, x + 14, 720], fill=(118, 86, 58))
    for n, x in enumerate((560, 720, 880, 1040)):
        _person(draw, x, 600, PEOPLE[n], height=190, seated=n % 2 == 0)
        draw.line([(x + 20, 520), (x - 160, 380)], fill=(60, 50, 40), width=5)
        draw.line([(x - 160, 380), (x - 170, 560)], fill=(230, 230, 230), width=2)
    for x in range(20, 300, 26):  # reeds
        draw.line([(x, H), (x + 12, 560 + (x % 50))], fill=(70, 110, 60), width=6)
    return image


def trout_picture():
    image = Image.new("RGB", (W, H))
    draw = ImageDraw.Draw(image)
    _sky(draw, 0, 360)
    draw.rectangle([0, 360, W, H], fill=(108, 158, 92))
    draw.rectangle([0, 360, W, 420], fill=WATER)
    _person(draw, 600, 780, PEOPLE[2], height=560)
    # The trout, held up.
    draw.ellipse([360, 300, 780, 460], fill=(168, 170, 150))
    draw.ellipse([380, 340, 760, 420], fill=(214, 160, 150))
    draw.polygon([(770, 380), (880, 300), (870, 460)], fill=(150, 152, 132))
    for x, y in ((450, 350), (520, 330), (600, 360), (680, 340), (560, 400), (640, 410)):
        draw.ellipse([x, y, x + 14, y + 14], fill=(92, 84, 70))
    draw.ellipse([392, 360, 414, 382], fill=(40, 40, 40))
    draw.ellipse([330, 420, 420, 480], fill=(233, 196, 160))  # hands
    draw.ellipse([800, 420, 890, 480], fill=(233, 196, 160))
    return image


def picnic_picture():
    image = Image.new("RGB", (W, H))
    draw = ImageDraw.Draw(image)
    _sky(draw, 0, 380)
    draw.rectangle([0, 380, W, H], fill=(126, 176, 96))
    for x in (120, 1010):  # trees
        draw.rectangle([x + 50, 200, x + 80, 480], fill=(112, 80, 52))
        draw.ellipse([x - 40, 60, x + 170, 300], fill=(70, 128, 70))
    draw.rounded_rectangle([330, 500, 870, 560], radius=12, fill=(190, 150, 100))  # table
    draw.rectangle([360, 560, 380, 700], fill=(160, 120, 80))
    draw.rectangle([820, 560, 840, 700], fill=(160, 120, 80))
    for x, colour in zip((380, 510, 640, 770), PEOPLE, strict=False):
        _person(draw, x, 500, colour, height=220, seated=True)
    draw.ellipse([560, 470, 640, 505], fill=(245, 245, 245))  # a flask and cups
    draw.rectangle([450, 470, 472, 500], fill=(240, 240, 240))
    draw.rectangle([720, 470, 742, 500], fill=(240, 240, 240))
    return image


def _withdrew_family(home):
    """The resident whose consent for families was withdrawn and not given again."""
    withdrawn = Consent.objects.for_home(home).filter(
        purpose=ConsentPurpose.PHOTOS_FAMILY, withdrawn_at__isnull=False
    )
    live = set(
        Consent.objects.for_home(home)
        .filter(purpose=ConsentPurpose.PHOTOS_FAMILY, withdrawn_at__isnull=True)
        .values_list("resident_id", flat=True)
    )
    return next((c.resident for c in withdrawn.select_related("resident") if c.resident_id not in live), None)


def _fishing_trip(home, today):
    return (
        Occurrence.objects.for_home(home)
        .filter(
            activity__title__icontains="Fishing",
            starts_at__lte=timezone.now(),
            starts_at__date__gte=today - timedelta(days=14),
        )
        .exclude(status=Occurrence.Status.CANCELLED)
        .select_related("activity")
        .order_by("-starts_at")
        .first()
    )


def _photo(home, story, picture, description, residents, *, added_by, others="", at):
    photo = StoryPhoto(
        home=home, story=story, description=description, others=others, added_by=added_by, created_at=at
    )
    content = _jpeg(picture)
    photo.image.save(content.name, content, save=False)
    photo.save()
    photo.residents.set(residents)
    return photo


def seed(*, home, residents, staff, today, rng):
    if Story.objects.for_home(home).exists():
        return
    current = [r for r in residents if not r.has_left]
    if len(current) < 4:
        return
    held = {}
    for resident_id, purpose in (
        Consent.objects.for_home(home)
        .filter(withdrawn_at__isnull=True, purpose__in=PHOTO_PURPOSES)
        .values_list("resident_id", "purpose")
    ):
        held.setdefault(resident_id, set()).add(purpose)
    everyone = set(PHOTO_PURPOSES)
    agreed = [r for r in current if held.get(r.pk, set()) >= everyone]
    unasked = [r for r in current if r.pk not in held]
    withdrew = _withdrew_family(home)
    occurrence = _fishing_trip(home, today)
    came = []
    if occurrence is not None:
        came = [
            a.resident for a in occurrence.attendees.select_related("resident") if not a.resident.has_left
        ]
    pool = [r for r in came if r in agreed] or agreed
    if len(pool) < 3:
        pool = pool + [r for r in agreed if r not in pool]
    if len(pool) < 3:
        return
    fisher, friend, third = rng.sample(pool, 3)
    writer = rng.choice(staff) if staff else None
    written = timezone.now() - timedelta(days=5)
    title = occurrence.activity.title if occurrence is not None else "Fishing at Hollingworth Lake"
    story = Story.objects.create(
        home=home,
        occurrence=occurrence,
        share_with_families=True,
        title=f"{title}: {fisher.short_name}'s trout",
        text=(
            f"A bright, breezy morning at the lake. The anglers' club had the accessible platform ready, "
            f"and {fisher.short_name} was first to get a line in the water.\n\n"
            f"Within the hour {fisher.short_name} landed a brown trout (put back, after the photo). "
            f"{friend.short_name} said it was the first time in years they had sat by water and just "
            f"listened. {third.short_name} told everyone about fishing the canal as a boy.\n\n"
            "Flasks of tea and sandwiches at the picnic tables, back in time for lunch. "
            "Everyone asked when the next trip is."
        ),
        went_well=True,
        written_by=writer,
        created_at=written,
    )
    _photo(
        home,
        story,
        lake_picture(),
        f"{friend.short_name} and {third.short_name} fishing from the platform on the lake",
        [friend, third],
        added_by=writer,
        others="Sam and Priya from the anglers' club",
        at=written,
    )
    _photo(
        home,
        story,
        trout_picture(),
        f"{fisher.short_name} holding up a brown trout by the lake",
        [fisher],
        added_by=writer,
        at=written,
    )
    group = [fisher, friend] + ([withdrew] if withdrew is not None else [])
    _photo(
        home,
        story,
        picnic_picture(),
        "Tea and sandwiches at the picnic tables after fishing",
        group,
        added_by=writer,
        at=written,
    )
    if unasked:
        _photo(
            home,
            story,
            picnic_picture(),
            f"{unasked[0].short_name} with a cup of tea by the water",
            [unasked[0]],
            added_by=writer,
            at=written,
        )
    # An older garden story, so the list has more than one.
    garden = Story.objects.create(
        home=home,
        share_with_families=True,
        title="Planting the spring bulbs",
        text=(
            "The gardening club came in with two hundred bulbs. Everyone who wanted to had a go with the "
            "trowels in the raised beds, and the rest supervised from the benches with tea."
        ),
        went_well=True,
        written_by=writer,
        created_at=timezone.now() - timedelta(days=40),
    )
    _photo(
        home,
        garden,
        picnic_picture(),
        "Tea on the lawn after planting the bulbs",
        rng.sample(agreed, 2),
        added_by=writer,
        at=garden.created_at,
    )
