"""The wellbeing page (the loneliness answers over time, the chart, the
banner) and recording a new set of answers."""

import re
from datetime import date, timedelta

import pytest
from auditlog.models import LogEntry
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from carehome.errors import DomainError
from residents.models import LonelinessMeasure, Resident
from residents.selectors.settings import connection_settings_for
from residents.services.wellbeing import loneliness_measure_record
from residents.tests.factories import LonelinessMeasureFactory, ResidentFactory
from tests.html import field_error, main_text, text_of


def svg(response):
    page = response.content.decode()
    return page[page.index("<svg") : page.index("</svg>") + 6]


def page_url(world, resident=None):
    return reverse("residents:wellbeing", args=[world.home.slug, (resident or world.resident).pk])


def add_url(world, resident=None):
    return reverse("residents:wellbeing_add", args=[world.home.slug, (resident or world.resident).pk])


def measure(world, day, items, **kwargs):
    a, b, c = items
    return LonelinessMeasureFactory(
        resident=world.resident, recorded_on=day, lack_companionship=a, left_out=b, isolated=c, **kwargs
    )


GOOD = {
    "recorded_on": "",
    "lack_companionship": "3",
    "left_out": "2",
    "isolated": "3",
    "direct": LonelinessMeasure.Direct.SOME_OF_THE_TIME,
    "staff_helped": "on",
    "note": "  Asked in the garden room.  ",
}


@pytest.fixture
def staff_client(world, client_for):
    return client_for(world.staff)


@pytest.fixture
def good(world):
    return {**GOOD, "recorded_on": timezone.localdate().isoformat()}


# --- The page -----------------------------------------------------------------------------------


def test_every_set_of_answers_is_listed_newest_first_in_words(world, staff_client):
    measure(world, date(2026, 5, 1), (1, 1, 1), direct="never")
    measure(
        world,
        date(2026, 8, 3),
        (2, 3, 1),
        direct="some_of_the_time",
        staff_helped=True,
        recorded_by=world.staff.user,
        note="Tired today.",
    )
    response = staff_client.get(page_url(world))
    assert response.status_code == 200
    text = main_text(response)
    table = text[text.index("Every set of answers") :]
    newest, oldest = table.index("3 Aug 2026"), table.index("1 May 2026")
    assert newest < oldest
    row = table[newest:oldest]
    for words in ["Some of the time", "Often", "Hardly ever or never", "6 out of 9", "Yes", "Aisha Bello"]:
        assert words in row
    assert "Note: Tired today." in row
    assert "Never" in table[oldest:] and "3 out of 9" in table[oldest:] and "No" in table[oldest:]
    assert "Latest score 6 out of 9 on 3 August 2026, up from 3 last time." in text
    assert "What the score means" in text and "between 3 and 9" in text


def test_the_chart_is_an_svg_image_with_a_summary_and_the_threshold_line(world, staff_client):
    measure(world, date(2026, 5, 1), (1, 2, 1))
    measure(world, date(2026, 6, 1), (2, 2, 2))
    measure(world, date(2026, 7, 1), (3, 2, 3))
    chart = svg(staff_client.get(page_url(world)))
    assert 'role="img"' in chart and 'aria-labelledby="trend-title"' in chart
    assert '<title id="trend-title">Loneliness scores for Peggy over time</title>' in chart
    desc = text_of(re.search(r'<desc id="trend-desc">(.*?)</desc>', chart, re.S).group(1))
    assert desc.startswith("3 sets of answers from 1 May 2026 to 1 Jul 2026.")
    assert "The latest score, on 1 Jul 2026, is 8 out of 9, up from 6 last time." in desc
    assert "The dashed line marks 7" in desc
    assert "Often lonely (7+)" in chart and "stroke-dasharray" in chart
    assert chart.count("<circle") == 3
    assert "Date answered" in chart and "Score (3 to 9)" in chart


def test_no_answers_yet(world, staff_client):
    response = staff_client.get(page_url(world))
    text = main_text(response)
    assert "No answers recorded yet." in text
    assert "<svg" not in response.content.decode().split("<main")[1]
    assert "often feels lonely" not in text


def test_a_banner_when_the_latest_answers_are_at_or_above_the_threshold(world, staff_client):
    measure(world, date(2026, 5, 1), (1, 1, 2))
    measure(world, date(2026, 6, 1), (3, 2, 2))
    response = staff_client.get(page_url(world))
    text = main_text(response)
    assert "The last answers suggest Peggy often feels lonely" in text
    page = response.content.decode()
    banner = page[page.index("wellbeing-banner") : page.index("</section>", page.index("wellbeing-banner"))]
    assert reverse("residents:plan", args=[world.home.slug, world.resident.pk]) in banner
    assert reverse("residents:friends", args=[world.home.slug, world.resident.pk]) in banner


def test_no_banner_when_the_latest_answers_are_lower_even_if_earlier_ones_were_high(world, staff_client):
    measure(world, date(2026, 5, 1), (3, 3, 3))
    measure(world, date(2026, 6, 1), (2, 2, 2))
    text = main_text(staff_client.get(page_url(world)))
    assert "often feels lonely" not in text
    assert "down from 9 last time" in text


def test_the_threshold_comes_from_the_homes_settings(world, staff_client):
    measure(world, date(2026, 6, 1), (2, 2, 1))  # 5
    response = staff_client.get(page_url(world))
    assert "often feels lonely" not in main_text(response)
    assert "Often lonely (7+)" in svg(response)

    settings = connection_settings_for(world.home)
    settings.lonely_threshold = 5
    settings.save()
    response = staff_client.get(page_url(world))
    assert "The last answers suggest Peggy often feels lonely" in main_text(response)
    assert "Often lonely (5+)" in svg(response)
    assert "Often lonely (7+)" not in svg(response)
    assert "a score of 5 or more shows as “often lonely”" in main_text(response)
    # Another home's settings change nothing here.
    other = connection_settings_for(world.other_home)
    other.lonely_threshold = 9
    other.save()
    assert "Often lonely (5+)" in svg(staff_client.get(page_url(world)))


def test_the_page_costs_the_same_for_5_or_50_sets_of_answers(world, staff_client):
    url = page_url(world)
    staff_client.get(url)  # the first visit remembers the home and creates the settings

    def grow(n, start):
        for i in range(n):
            measure(
                world,
                date(2025, 1, 1) + timedelta(days=start + i * 3),
                (1 + i % 3, 1 + (i + 1) % 3, 2),
                recorded_by=[world.staff.user, world.manager.user, None][i % 3],
            )

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = staff_client.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries), response

    grow(5, 0)
    small, _ = count()
    grow(45, 100)
    large, response = count()
    assert small == large
    assert svg(response).count("<circle") == 50


# --- Recording answers --------------------------------------------------------------------------


def test_staff_record_answers(world, staff_client, good):
    response = staff_client.get(add_url(world))
    assert response.status_code == 200
    page = response.content.decode()
    for question in [
        "How often do you feel that you lack companionship?",
        "How often do you feel left out?",
        "How often do you feel isolated from others?",
        "How often do you feel lonely?",
    ]:
        assert re.search(rf"<legend[^>]*>\s*{re.escape(question)}", page), question
    assert page.count("<fieldset") == 4
    for answer in ["Hardly ever or never", "Some of the time", "Often", "Preferred not to say"]:
        assert answer in page

    response = staff_client.post(add_url(world), good)
    assert response.status_code == 302
    assert response.url == page_url(world)
    saved = LonelinessMeasure.objects.get()
    assert (saved.lack_companionship, saved.left_out, saved.isolated, saved.total) == (3, 2, 3, 8)
    assert saved.direct == "some_of_the_time" and saved.staff_helped is True
    assert saved.note == "Asked in the garden room."
    assert saved.recorded_by == world.staff.user and saved.home == world.home
    assert LogEntry.objects.get_for_object(saved).get().actor == world.staff.user
    text = main_text(staff_client.get(response.url))
    assert "Peggy's answers were saved." in text
    assert "The last answers suggest Peggy often feels lonely" in text


@pytest.mark.parametrize(
    "case",
    [
        (
            "lack_companionship",
            "0",
            "Choose one of the three answers: hardly ever or never, some of the time, or often.",
        ),
        (
            "left_out",
            "4",
            "Choose one of the three answers: hardly ever or never, some of the time, or often.",
        ),
        (
            "isolated",
            "x",
            "Choose one of the three answers: hardly ever or never, some of the time, or often.",
        ),
        ("isolated", "", "Choose an answer to this question."),
        ("direct", "always", "Choose one of the answers in the list, or “Preferred not to say”."),
        ("direct", "", "Choose an answer, or “Preferred not to say”."),
        ("recorded_on", "", "Enter the date the answers were given, like 12/11/2026."),
        ("recorded_on", "31/02/2026", "Enter a real date, like 12/11/2026."),
        ("note", "x" * 301, "Keep the note under 300 characters."),
    ],
)
def test_bad_answers_are_explained_next_to_the_field_and_nothing_is_saved(world, staff_client, good, case):
    field, value, message = case
    response = staff_client.post(add_url(world), {**good, field: value})
    assert response.status_code == 200
    assert field_error(response, field) == message
    assert not LonelinessMeasure.objects.exists()


def test_the_date_cannot_be_in_the_future_or_before_admission(world, staff_client, good):
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = staff_client.post(add_url(world), {**good, "recorded_on": tomorrow.isoformat()})
    assert field_error(response, "recorded_on") == "The date cannot be in the future."
    response = staff_client.post(add_url(world), {**good, "recorded_on": "28/02/2024"})
    assert (
        field_error(response, "recorded_on")
        == "The date cannot be before Peggy came to live here (1 Mar 2024)."
    )
    assert not LonelinessMeasure.objects.exists()
    assert staff_client.post(add_url(world), {**good, "recorded_on": "01/03/2024"}).status_code == 302


def test_a_resident_who_has_left_cannot_get_new_answers(world, staff_client, good):
    gone = ResidentFactory(home=world.home, status=Resident.Status.LEFT, left_on=timezone.localdate())
    assert "Record answers" not in main_text(staff_client.get(page_url(world, gone)))
    response = staff_client.post(add_url(world, gone), good)
    assert response.status_code == 200
    assert "no longer lives here" in main_text(response)
    assert not LonelinessMeasure.objects.exists()


# --- Who may do what ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["manager", "champion", "staff"])
def test_staff_roles_see_and_record(world, client_for, role):
    client = client_for(world.member(role))
    assert "Record answers" in main_text(client.get(page_url(world)))
    assert client.get(add_url(world)).status_code == 200


@pytest.mark.parametrize("role", ["family", "volunteer"])
def test_a_relative_or_volunteer_is_refused(world, client_for, good, role):
    client = client_for(world.member(role))
    assert client.get(page_url(world)).status_code == 403
    assert client.get(add_url(world)).status_code == 403
    assert client.post(add_url(world), good).status_code == 403
    assert not LonelinessMeasure.objects.exists()


def test_an_outsider_gets_404_and_another_homes_resident_is_404(world, client_for, staff_client, good):
    outsider = client_for(world.outsider)
    assert outsider.get(page_url(world)).status_code == 404
    assert outsider.post(add_url(world), good).status_code == 404
    assert staff_client.get(page_url(world, world.foreign_resident)).status_code == 404
    assert staff_client.post(add_url(world, world.foreign_resident), good).status_code == 404
    assert not LonelinessMeasure.objects.exists()


# --- The service and the database ---------------------------------------------------------------


def record(world, **overrides):
    values = {
        "recorded_on": timezone.localdate(),
        "lack_companionship": 1,
        "left_out": 2,
        "isolated": 3,
        "direct": "occasionally",
    }
    return loneliness_measure_record(
        home=world.home, actor=world.staff.user, resident=world.resident, **{**values, **overrides}
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"lack_companionship": 0}, "lack_companionship"),
        ({"left_out": 4}, "left_out"),
        ({"isolated": "2"}, "isolated"),
        ({"isolated": True}, "isolated"),
        ({"direct": "always"}, "direct"),
        ({"recorded_on": date(2024, 2, 1)}, "recorded_on"),
        ({"recorded_on": date.today() + timedelta(days=2)}, "recorded_on"),
        ({"note": "x" * 301}, "note"),
    ],
)
def test_the_service_refuses_bad_values(world, overrides, field):
    with pytest.raises(DomainError) as error:
        record(world, **overrides)
    assert error.value.field == field
    assert not LonelinessMeasure.objects.exists()


def test_the_service_refuses_another_homes_resident(world):
    with pytest.raises(DomainError):
        loneliness_measure_record(
            home=world.home,
            actor=world.staff.user,
            resident=world.foreign_resident,
            recorded_on=timezone.localdate(),
            lack_companionship=1,
            left_out=1,
            isolated=1,
            direct="never",
        )


def test_the_database_refuses_an_out_of_range_answer_too(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        LonelinessMeasureFactory(resident=world.resident, left_out=4)


# --- The dashboard panel ---------------------------------------------------------------------------


def test_the_dashboard_lists_residents_whose_latest_answers_are_high(world, staff_client, client_for):
    measure(world, date(2026, 5, 1), (1, 1, 1))
    measure(world, date(2026, 6, 1), (3, 3, 2))
    LonelinessMeasureFactory(
        resident=world.unlinked_resident, recorded_on=date(2026, 5, 1), left_out=3, isolated=3
    )
    LonelinessMeasureFactory(resident=world.unlinked_resident, recorded_on=date(2026, 6, 1))  # 5 now
    LonelinessMeasureFactory(resident=world.foreign_resident, left_out=3, isolated=3, lack_companionship=3)
    dashboard = reverse("homes:dashboard", args=[world.home.slug])
    text = main_text(staff_client.get(dashboard))
    panel = text[text.index("May often feel lonely") :]
    assert "Margaret Baxter (Peggy) · 8 out of 9 on 1 Jun" in panel
    assert "Arthur Hughes" not in panel and "Doris Foreign" not in panel
    assert "May often feel lonely" not in main_text(client_for(world.relative).get(dashboard))


def test_the_dashboard_panel_costs_the_same_for_5_or_50_residents(world, staff_client):
    dashboard = reverse("homes:dashboard", args=[world.home.slug])
    staff_client.get(dashboard)

    def grow(n):
        for i in range(n):
            resident = ResidentFactory(home=world.home)
            LonelinessMeasureFactory(resident=resident, recorded_on=date(2026, 5, 1))
            LonelinessMeasureFactory(
                resident=resident, recorded_on=date(2026, 6, 1), left_out=3, isolated=i % 3 + 1
            )

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = staff_client.get(dashboard)
        assert response.status_code == 200
        return len(ctx.captured_queries), main_text(response)

    grow(5)
    small, _ = count()
    grow(45)
    large, text = count()
    assert small == large
    assert "And others" in text


# --- The chart ------------------------------------------------------------------------------------


def test_a_chart_of_one_set_of_answers(world):
    from residents.selectors.wellbeing import trend_chart

    chart = trend_chart([measure(world, date(2026, 6, 1), (2, 2, 2))], threshold=7, name="Peggy")
    assert chart.desc.startswith("One set of answers, on 1 Jun 2026: a score of 6 out of 9.")
    assert [p["x"] for p in chart.points] == [(chart.left + chart.right) / 2]
    assert [label["text"] for label in chart.x_labels] == ["1 Jun 2026"]


def test_chart_dates_never_crowd_and_the_first_and_latest_show(world):
    from residents.selectors.wellbeing import COMPACT, WIDE, trend_chart

    measures = [measure(world, date(2026, 1, 1) + timedelta(days=3 * i), (1, 2, 3)) for i in range(50)]
    measures.reverse()  # newest first, as the page has them
    for layout in (WIDE, COMPACT):
        chart = trend_chart(measures, threshold=7, name="Peggy", layout=layout)
        xs = [label["x"] for label in chart.x_labels]
        assert all(b - a >= layout.label_gap for a, b in zip(xs, xs[1:], strict=False))
        assert chart.x_labels[0]["text"] == "1 Jan 2026" and chart.x_labels[0]["anchor"] == "start"
        assert chart.x_labels[-1]["text"] == "28 May 2026" and chart.x_labels[-1]["anchor"] == "end"
        assert all(
            chart.left <= p["x"] <= chart.right and chart.top <= p["y"] <= chart.bottom for p in chart.points
        )
        assert chart.threshold_label == "Often lonely (7+)"
