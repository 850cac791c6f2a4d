"""The evidence pack: a PDF that opens and shows the ratings (read back with
PDFium), the figures as CSV a spreadsheet cannot mistake for formulas,
residents named only when the manager chooses, and every download in the
history."""

import csv
import io
from datetime import date, datetime

import pypdfium2 as pdfium
import pytest
import time_machine
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from evaluation import services
from evaluation.models import EvidenceNote, Rating
from evaluation.tests.factories import evaluation_for
from homes.models import Nation
from homes.scoping import home_scope
from residents.models import ConsentPurpose
from residents.tests.factories import FriendshipFactory, ResidentFactory
from tests.fixtures import agreed_to_uses

NOW = datetime(2026, 11, 18, 12, 0, tzinfo=timezone.get_current_timezone())


def pdf_text(content):
    document = pdfium.PdfDocument(content)
    text = "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    return " ".join(text.split()), len(document)


@pytest.fixture
def completed(world):
    world.home.nation = Nation.SCOTLAND
    world.home.save(update_fields=["nation"])
    evaluation_for(world.home, start=date(2026, 4, 1), end=date(2026, 6, 30), rated=3, completed=True)
    made = evaluation_for(world.home, start=date(2026, 7, 1), end=date(2026, 9, 30), rated=5)
    with home_scope(world.home):
        rating = Rating.objects.for_home(world.home).filter(evaluation=made, theme__code="1.2").get()
        services.rating_save(
            home=world.home,
            actor=world.manager.user,
            rating=rating,
            level=6,
            rationale='=HYPERLINK("http://example.com") weekly choir with the school',
        )
        services.evidence_add(
            home=world.home,
            actor=world.manager.user,
            evaluation=made,
            theme=rating.theme,
            text="Residents' meeting: more trips to the garden centre asked for, two booked.",
        )
    return made


def pack(client, world, made, query):
    return client.get(reverse("evaluation:pack", args=[world.home.slug, made.pk]) + query)


@time_machine.travel(NOW, tick=False)
def test_the_pdf_opens_and_shows_the_ratings_beside_last_time(world, completed, client_for):
    response = pack(client_for(world.manager), world, completed, "?format=pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="rowan-house-')
    text, pages = pdf_text(response.content)
    assert pages >= 3
    assert "Rowan House: self-evaluation of connection" in text
    assert "1.2 People get the most out of life 6 Excellent 3 Adequate" in text  # at a glance
    assert "Residents' meeting: more trips to the garden centre" in text
    assert "The figures: 12 weeks to 30 September 2026" in text
    # Nobody is named unless the manager chooses.
    assert "Margaret Baxter" not in text and "Needs attention now" not in text


@time_machine.travel(NOW, tick=False)
def test_residents_are_named_only_when_the_manager_chooses(world, completed, client_for):
    ida = ResidentFactory(home=world.home, full_name="Ida Quayle", admitted_on=date(2025, 1, 1))
    reg = ResidentFactory(home=world.home, full_name="Reg Varney", admitted_on=date(2025, 1, 1))
    for resident in (ida, reg):
        agreed_to_uses(resident, purposes=[ConsentPurpose.EVALUATION_EXAMPLES])
    FriendshipFactory(resident_a=ida, resident_b=reg, started_on=date(2026, 8, 4), notes="Both love jazz.")
    manager = client_for(world.manager)
    page = manager.get(reverse("evaluation:detail", args=[world.home.slug, completed.pk])).content.decode()
    assert "I. Q. and R. V.: friends, “Both love jazz.”" in page and "Ida Quayle" not in page
    text, _ = pdf_text(pack(manager, world, completed, "?format=pdf").content)
    assert "I. Q. and R. V.: friends" in text and "Ida Quayle" not in text
    text, _ = pdf_text(pack(manager, world, completed, "?format=pdf&names=1").content)
    assert "Needs attention now (named, as the manager chose)" in text
    assert "Ida Quayle and Reg Varney: friends" in text
    assert "Margaret Baxter" in text  # no visit recorded: she has no regular visitors


@time_machine.travel(NOW, tick=False)
def test_the_csv_has_each_rating_and_the_weekly_figures_and_no_formulas(world, completed, client_for):
    response = pack(client_for(world.manager), world, completed, "?format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["section", "group", "theme", "item", "value"]
    ratings = {(r[2], r[3]): r[4] for r in rows if r and r[0] == "rating"}
    assert ratings[("1.2 People get the most out of life", "this time")] == "6 Excellent"
    assert ratings[("1.2 People get the most out of life", "last time")] == "3 Adequate"
    assert ratings[("1.2 People get the most out of life", "why")].startswith("'=HYPERLINK")
    weekly = rows[rows.index([]) + 2 :]
    assert len(weekly) == 12 and weekly[-1][0] == "2026-09-28"
    assert "Margaret Baxter" not in response.content.decode("utf-8-sig")


@time_machine.travel(NOW, tick=False)
def test_every_download_is_in_the_history(world, completed, client_for):
    manager = client_for(world.manager)
    pack(manager, world, completed, "?format=pdf&names=1")
    pack(manager, world, completed, "?format=csv")
    entries = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_id=completed.pk).order_by("id")
    assert [(e.additional_data["export"], e.additional_data["names"], e.actor_id) for e in entries] == [
        ("PDF", True, world.manager.user.pk),
        ("CSV", False, world.manager.user.pk),
    ]
    history = manager.get(
        reverse(
            "homes:history",
            args=[world.home.slug, entries[0].content_type_id, completed.pk],
        )
    ).content.decode()
    assert "Downloaded as PDF with residents' names by" in history
    assert "Downloaded as CSV by" in history


@pytest.mark.parametrize("role", ["champion", "staff", "relative", "volunteer"])
def test_only_the_manager_may_download_the_pack(world, completed, client_for, role):
    assert pack(client_for(getattr(world, role)), world, completed, "?format=pdf").status_code == 403
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


def test_another_homes_manager_gets_404(world, completed, client_for):
    outsider = client_for(world.outsider)
    other = reverse("evaluation:pack", args=[world.other_home.slug, completed.pk])
    assert outsider.get(other).status_code == 404
    assert EvidenceNote.objects.for_home(world.home).count() == 1


@time_machine.travel(NOW, tick=False)
def test_a_pack_is_made_again_when_the_evaluation_changes(world, completed, client_for):
    manager = client_for(world.manager)
    first = pack(manager, world, completed, "?format=csv").content.decode("utf-8-sig")
    assert pack(manager, world, completed, "?format=csv").content.decode("utf-8-sig") == first  # kept
    with home_scope(world.home):
        rating = Rating.objects.for_home(world.home).filter(evaluation=completed, theme__code="1.2").get()
        services.rating_save(
            home=world.home,
            actor=world.manager.user,
            rating=rating,
            level=4,
            rationale="Good, not more.",
            version=None,
        )
    again = pack(manager, world, completed, "?format=csv").content.decode("utf-8-sig")
    assert "Good, not more." in again and "Good, not more." not in first
