"""Stories: the staff's list and a story's page (photos shown only with
consent, a staff-only note naming who has not agreed), writing and changing
a story (linked to a date that has started), adding a photo and saying who
is in it, removing one; other homes and wrong roles; queries."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from carehome.errors import DomainError
from carehome.versions import EditConflict
from community.models import Story, StoryPhoto
from community.selectors.stories import went_well
from community.services.stories import (
    DATE_NOT_YET,
    DESCRIPTION_MISSING,
    TEXT_MISSING,
    story_create,
    story_update,
)
from community.tests.factories import (
    ActivityFactory,
    AttendeeFactory,
    OccurrenceFactory,
    OutingFactory,
    StoryFactory,
    StoryPhotoFactory,
    consent_all,
    png_upload,
)
from residents.models import ConsentPurpose
from residents.tests.factories import ResidentFactory
from tests.html import field_error, main_text


@pytest.fixture(autouse=True)
def scratch_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def staff(world, client_for):
    return client_for(world.staff)


def url(name, world, *args):
    return reverse(f"community:{name}", args=[world.home.slug, *args])


def past_occurrence(world, days=2, **kwargs):
    activity = OutingFactory(home=world.home, first_day=timezone.localdate() - timedelta(days=days), **kwargs)
    return OccurrenceFactory(activity=activity)


# --- The list and the story's page ----------------------------------------------------------


def test_the_list_shows_stories_newest_first_with_allowed_photos(world, staff):
    ted = ResidentFactory(home=world.home, full_name="Ted Morgan")
    consent_all(world.resident)
    consent_all(ted, purposes=[ConsentPurpose.PHOTOS_FAMILY])  # not inside the home
    old = StoryFactory(home=world.home, title="Garden morning")
    old.created_at = timezone.now() - timedelta(days=3)
    old.save()
    new = StoryFactory(home=world.home, title="Fishing at the loch")
    shown = StoryPhotoFactory(story=new, residents=[world.resident], description="Peggy with a trout")
    hidden = StoryPhotoFactory(story=new, residents=[world.resident, ted], description="Ted and Peggy")
    response = staff.get(url("stories", world))
    text = main_text(response)
    assert text.index("Fishing at the loch") < text.index("Garden morning")
    page = response.content.decode()
    assert url("photo_image", world, shown.pk) in page
    assert url("photo_image", world, hidden.pk) not in page
    assert "Hidden: Ted has not agreed to photos being shown inside the home." in text
    assert "Families can see it, and it may be shown in public." in text


def test_a_story_page_names_who_stops_a_photo_reaching_families(world, staff):
    consent_all(world.resident, purposes=[ConsentPurpose.PHOTOS_HOME])
    story = StoryFactory(home=world.home)
    photo = StoryPhotoFactory(story=story, residents=[world.resident])
    response = staff.get(url("story", world, story.pk))
    assert url("photo_image", world, photo.pk) in response.content.decode()
    assert (
        "Not shown to families: Peggy has not agreed to photos being shared with families of the home."
        in (main_text(response))
    )


# --- Writing a story ---------------------------------------------------------------------


def test_writing_a_story_about_a_date(world, staff):
    occurrence = past_occurrence(world)
    page = staff.get(url("story_add", world) + f"?date={occurrence.pk}")
    assert f"About: {occurrence.activity.title}" in main_text(page)
    response = staff.post(
        url("story_add", world) + f"?date={occurrence.pk}",
        {"title": "A morning at the lake", "text": "Ted caught a trout.", "went_well": "on"},
    )
    story = Story.objects.get(home=world.home)
    assert response.status_code == 302 and response.url == url("story", world, story.pk)
    assert story.occurrence == occurrence and story.went_well and story.written_by == world.staff.user


def test_a_date_still_to_come_is_not_linked(world, staff):
    future = OccurrenceFactory(activity=OutingFactory(home=world.home))
    page = staff.get(url("story_add", world) + f"?date={future.pk}")
    assert "that has started" in main_text(page)
    staff.post(url("story_add", world) + f"?date={future.pk}", {"title": "Soon", "text": "Not yet."})
    assert Story.objects.get(home=world.home).occurrence is None
    with pytest.raises(DomainError) as error:
        story_create(home=world.home, actor=world.staff.user, title="Soon", text="x", occurrence=future)
    assert error.value.message == DATE_NOT_YET


@pytest.mark.parametrize("date", ["abc", "99999999999999999", "-1", "١٢"])
def test_a_nonsense_date_in_the_address_is_a_message(world, staff, date):
    page = staff.get(url("story_add", world) + f"?date={date}")
    assert page.status_code == 200
    assert "not linked" in main_text(page)


def test_another_homes_date_is_not_linked(world, staff):
    foreign = OccurrenceFactory(
        activity=ActivityFactory(home=world.other_home, first_day=timezone.localdate() - timedelta(days=1))
    )
    staff.post(url("story_add", world) + f"?date={foreign.pk}", {"title": "Theirs", "text": "No."})
    assert Story.objects.get(home=world.home).occurrence is None
    with pytest.raises(DomainError):
        story_create(home=world.home, actor=world.staff.user, title="Theirs", text="x", occurrence=foreign)


def test_a_story_with_no_words_saves_nothing(world, staff):
    response = staff.post(url("story_add", world), {"title": "Fishing", "text": "  "})
    assert field_error(response, "text") == TEXT_MISSING
    assert not Story.objects.exists()


def test_changing_a_story_and_a_conflict(world, staff):
    story = StoryFactory(home=world.home, title="Fishing")
    opened = staff.get(url("story_edit", world, story.pk))
    assert opened.status_code == 200
    story_update(
        home=world.home,
        actor=world.manager.user,
        story=story,
        title="Fishing!",
        text="x",
        went_well=True,
        version=story.version,
    )
    response = staff.post(
        url("story_edit", world, story.pk),
        {"title": "Fishing at the loch", "text": "Lovely day.", "went_well": "on", "version": "1"},
    )
    assert response.status_code == 200 and "after you opened it" in main_text(response)
    story.refresh_from_db()
    assert story.title == "Fishing!"
    with pytest.raises(EditConflict):
        story_update(
            home=world.home,
            actor=world.staff.user,
            story=story,
            title="x",
            text="y",
            went_well=True,
            version=1,
        )
    response = staff.post(
        url("story_edit", world, story.pk),
        {"title": "Fishing at the loch", "text": "Lovely day.", "version": str(story.version)},
    )
    assert response.status_code == 302
    story.refresh_from_db()
    assert (story.title, story.went_well) == ("Fishing at the loch", False)


# --- Photos ------------------------------------------------------------------------------


def test_adding_a_photo_with_who_is_in_it(world, staff, scratch_media):
    occurrence = past_occurrence(world)
    came = AttendeeFactory(
        occurrence=occurrence, resident=ResidentFactory(home=world.home, full_name="Ted Morgan")
    )
    story = StoryFactory(home=world.home, occurrence=occurrence)
    page = staff.get(url("photo_add", world, story.pk))
    text = main_text(page)
    assert text.index("At this activity") < text.index("Ted Morgan") < text.index("Everyone else living here")
    response = staff.post(
        url("photo_add", world, story.pk),
        {
            "image": png_upload("lake.png", size=(2400, 1200)),
            "description": "Ted with his catch",
            "residents": [came.resident.pk],
            "others": "Sam (volunteer)",
        },
    )
    assert response.status_code == 302
    photo = StoryPhoto.objects.get(story=story)
    assert list(photo.residents.all()) == [came.resident]
    assert photo.image.name.endswith(".jpg") and max(photo.width, photo.height) == 1600
    assert "lake" not in photo.image.name
    # Ted has no consent recorded: saved, but the person is told it stays hidden.
    follow = staff.get(response.url)
    assert "It stays hidden for now: Ted has not agreed" in main_text(follow)


def test_a_photo_needs_a_description_and_a_resident_of_this_home(world, staff, scratch_media):
    story = StoryFactory(home=world.home)
    response = staff.post(
        url("photo_add", world, story.pk),
        {"image": png_upload(), "description": "", "residents": [world.foreign_resident.pk]},
    )
    assert field_error(response, "description") == DESCRIPTION_MISSING
    assert field_error(response, "residents")
    assert not StoryPhoto.objects.exists()
    assert [p for p in scratch_media.rglob("*") if p.is_file()] == []


def test_changing_who_is_in_a_photo(world, staff):
    consent_all(world.resident)
    photo = StoryPhotoFactory(story=StoryFactory(home=world.home), residents=[world.resident])
    response = staff.post(
        url("photo_edit", world, photo.pk),
        {"description": "The lake", "residents": [world.unlinked_resident.pk], "others": ""},
    )
    assert response.status_code == 302
    photo.refresh_from_db()
    assert list(photo.residents.all()) == [world.unlinked_resident] and photo.description == "The lake"


def test_removing_a_photo_deletes_its_file(world, staff, scratch_media):
    photo = StoryPhotoFactory(story=StoryFactory(home=world.home))
    path = scratch_media / photo.image.name
    assert path.exists()
    confirm = staff.get(url("photo_delete", world, photo.pk))
    assert "Remove the photo?" in main_text(confirm)
    assert StoryPhoto.objects.filter(pk=photo.pk).exists()
    response = staff.post(url("photo_delete", world, photo.pk))
    assert response.status_code == 302
    assert not StoryPhoto.objects.filter(pk=photo.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_the_file_goes_once_the_removal_commits(world, client_for, scratch_media):
    photo = StoryPhotoFactory(story=StoryFactory(home=world.home))
    path = scratch_media / photo.image.name
    client_for(world.staff).post(url("photo_delete", world, photo.pk))
    assert not path.exists()


# --- Other homes, wrong roles ------------------------------------------------------------------


def test_other_homes_records_are_404_and_wrong_roles_403(world, client_for):
    foreign_story = StoryFactory(home=world.other_home)
    foreign_photo = StoryPhotoFactory(story=foreign_story)
    manager = client_for(world.manager)
    for name, pk in [
        ("story", foreign_story.pk),
        ("story_edit", foreign_story.pk),
        ("photo_add", foreign_story.pk),
    ]:
        assert manager.get(url(name, world, pk)).status_code == 404
    for name in ("photo_edit", "photo_delete", "photo_image"):
        assert manager.get(url(name, world, foreign_photo.pk)).status_code == 404
    assert manager.post(url("photo_delete", world, foreign_photo.pk)).status_code == 404
    assert StoryPhoto.objects.filter(pk=foreign_photo.pk).exists()
    for who in (world.relative, world.volunteer, world.connector):
        assert client_for(who).get(url("stories", world)).status_code == 403
        assert client_for(who).get(url("story_add", world)).status_code == 403
    for who in (world.staff, world.volunteer, world.connector):
        assert client_for(who).get(url("family_stories", world)).status_code == 403


# --- Went well, and the date's stories ----------------------------------------------------------


def test_went_well_prefers_the_same_activity_then_outings(world):
    activity = OutingFactory(
        home=world.home, title="Fishing", first_day=timezone.localdate() - timedelta(days=30)
    )
    mine = StoryFactory(
        home=world.home, occurrence=OccurrenceFactory(activity=activity), title="Last fishing trip"
    )
    mine.created_at = timezone.now() - timedelta(days=29)
    mine.save()
    for n in range(3):
        StoryFactory(home=world.home, occurrence=past_occurrence(world, days=n + 1), title=f"Outing {n}")
    StoryFactory(home=world.home, occurrence=past_occurrence(world), went_well=False, title="Rainy")
    in_home = ActivityFactory(home=world.home, first_day=timezone.localdate() - timedelta(days=1))
    StoryFactory(home=world.home, occurrence=OccurrenceFactory(activity=in_home), title="Bingo")
    assert [s.title for s in went_well(world.home, activity)][0] == "Last fishing trip"
    titles = [s.title for s in went_well(world.home)]
    assert titles == ["Outing 2", "Outing 1", "Outing 0"] or len(titles) == 3
    assert "Rainy" not in titles and "Bingo" not in titles and "Last fishing trip" not in titles


def test_families_find_the_news_in_their_menu(world, client_for):
    page = client_for(world.relative).get(reverse("homes:dashboard", args=[world.home.slug]))
    assert url("family_stories", world) in page.content.decode()
    staff_page = client_for(world.staff).get(reverse("homes:dashboard", args=[world.home.slug]))
    assert url("family_stories", world) not in staff_page.content.decode()


def test_families_see_the_newest_shared_story_on_their_dashboard(world, client_for):
    dashboard = reverse("homes:dashboard", args=[world.home.slug])
    relative = client_for(world.relative)
    assert "When the home shares a story" in main_text(relative.get(dashboard))
    StoryFactory(home=world.home, title="Bulbs in the raised beds", share_with_families=False)
    assert "Bulbs in the raised beds" not in main_text(relative.get(dashboard))
    StoryFactory(home=world.home, title="Fishing at the lake")
    text = main_text(relative.get(dashboard))
    assert "Stories from Rowan House" in text and "Fishing at the lake" in text
