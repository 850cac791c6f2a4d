"""Recording a request for personal data, downloading what is held (logged),
and closing it: as a manager would, through the pages."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from carehome.timeutils import add_months
from homes.scoping import home_scope
from privacy.models import AccessExport, SubjectAccessRequest
from privacy.tests.factories import request_for
from privacy.tests.test_export import pdf_text

pytestmark = pytest.mark.django_db


def _new(client, w, **data):
    url = reverse("privacy:request_new", args=[w.home.slug])
    page = client.get(url)
    token = page.context["form"]["form_token"].value()
    base = {
        "subject": f"resident:{w.resident.pk}",
        "received_on": timezone.localdate().isoformat(),
        "requested_by": "Her son Tom, who holds a health and welfare LPA",
        "identity_checked": "LPA document seen by the manager",
        "form_token": token,
    }
    return client.post(url, {**base, **data})


def test_a_manager_records_a_request_due_a_month_after_it_arrived(world, client_for):
    w = world
    client = client_for(w.manager)
    arrived = timezone.localdate() - timedelta(days=3)
    answer = _new(client, w, received_on=arrived.isoformat())
    with home_scope(w.home):
        record = SubjectAccessRequest.objects.for_home(w.home).get()
    assert answer.status_code == 302 and answer.url == reverse(
        "privacy:request", args=[w.home.slug, record.pk]
    )
    assert record.resident == w.resident and record.due_on == add_months(arrived, 1)
    page = client.get(reverse("privacy:requests", args=[w.home.slug]))
    assert record.reference in page.content.decode()
    assert "in 27 days" in page.content.decode() or "in 28 days" in page.content.decode()
    # The dashboard says one is waiting.
    dashboard = client.get(reverse("homes:dashboard", args=[w.home.slug])).content.decode()
    assert "1 request for personal data waiting for a reply" in dashboard


def test_the_same_form_sent_twice_records_one_request(world, client_for):
    w = world
    client = client_for(w.manager)
    url = reverse("privacy:request_new", args=[w.home.slug])
    token = client.get(url).context["form"]["form_token"].value()
    data = {
        "subject": f"resident:{w.resident.pk}",
        "received_on": timezone.localdate().isoformat(),
        "requested_by": "Peggy herself",
        "identity_checked": "Known to staff",
        "form_token": token,
    }
    client.post(url, data)
    client.post(url, data)
    with home_scope(w.home):
        assert SubjectAccessRequest.objects.for_home(w.home).count() == 1


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"received_on": "2099-01-01"}, "received_on", "cannot be in the future"),
        ({"received_on": "2020-01-01"}, "received_on", "cannot be before"),
        ({"subject": "resident:999999"}, "subject", "Say who the request is about."),
        ({"subject": "volunteer:abc"}, "subject", "Say who the request is about."),
        ({"requested_by": "  "}, "requested_by", "Say who asked"),
        ({"identity_checked": ""}, "identity_checked", "Say how you checked who they are"),
    ],
)
def test_a_request_with_a_mistake_is_refused_next_to_the_field(world, client_for, change, field, message):
    w = world
    answer = _new(client_for(w.manager), w, **change)
    assert answer.status_code == 200
    assert message in " ".join(answer.context["form"].errors[field])
    with home_scope(w.home):
        assert not SubjectAccessRequest.objects.for_home(w.home).exists()


def test_another_homes_resident_cannot_be_chosen(world, client_for):
    w = world
    answer = _new(client_for(w.manager), w, subject=f"resident:{w.foreign_resident.pk}")
    assert "Say who the request is about." in " ".join(answer.context["form"].errors["subject"])


def test_each_download_is_logged_and_holds_her_data(world, client_for):
    w = world
    record = request_for(w.home, resident=w.resident)
    client = client_for(w.manager)
    pdf = client.get(reverse("privacy:export_pdf", args=[w.home.slug, record.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith(f'attachment; filename="{record.reference}-margaret-baxter')
    assert "no-store" in pdf["Cache-Control"]
    assert "Margaret Baxter" in pdf_text(pdf.content)
    data = client.get(reverse("privacy:export_json", args=[w.home.slug, record.pk]))
    assert json.loads(data.content)["about"] == "Margaret Baxter (Peggy)"
    with home_scope(w.home):
        log = list(AccessExport.objects.for_home(w.home).order_by("made_at"))
    assert [(e.format, e.made_by) for e in log] == [("pdf", w.manager.user), ("json", w.manager.user)]
    page = client.get(reverse("privacy:request", args=[w.home.slug, record.pk])).content.decode()
    assert "PDF," in page and "JSON," in page


def test_closing_a_request_someone_else_closed_meanwhile_is_refused(world, client_for):
    w = world
    record = request_for(w.home, resident=w.resident)
    url = reverse("privacy:request", args=[w.home.slug, record.pk])
    mine, theirs = client_for(w.manager), client_for(w.manager)
    version = mine.get(url).context["form"]["version"].value()
    data = {
        "status": "sent",
        "closed_on": timezone.localdate().isoformat(),
        "note": "Handed to Tom",
        "version": version,
    }
    assert theirs.post(url, {**data, "note": "Emailed to Tom"}).status_code == 302
    answer = mine.post(url, data)
    with home_scope(w.home):
        record.refresh_from_db()
    assert record.close_note == "Emailed to Tom"
    assert answer.status_code == 302  # already closed: said so, nothing overwritten


def test_a_close_date_before_the_request_arrived_is_refused(world, client_for):
    w = world
    record = request_for(w.home, resident=w.resident, received_on=timezone.localdate() - timedelta(days=2))
    url = reverse("privacy:request", args=[w.home.slug, record.pk])
    client = client_for(w.manager)
    version = client.get(url).context["form"]["version"].value()
    day = (timezone.localdate() - timedelta(days=5)).isoformat()
    answer = client.post(url, {"status": "sent", "closed_on": day, "note": "Posted", "version": version})
    assert "cannot be before the request arrived" in " ".join(answer.context["form"].errors["closed_on"])


def test_pages_cost_a_fixed_number_of_queries(world, client_for, django_assert_max_num_queries):
    w = world
    client = client_for(w.manager)
    for _ in range(3):
        record = request_for(w.home, resident=w.resident)
    with django_assert_max_num_queries(30):
        client.get(reverse("privacy:requests", args=[w.home.slug]))
    with django_assert_max_num_queries(60):
        client.get(reverse("privacy:request", args=[w.home.slug, record.pk]))
    with django_assert_max_num_queries(30):
        client.get(reverse("privacy:request_new", args=[w.home.slug]))


def test_another_homes_manager_gets_not_found(world, client_for):
    w = world
    record = request_for(w.home, resident=w.resident)
    client = client_for(w.outsider)
    for name in ("privacy:request", "privacy:export_pdf", "privacy:export_json"):
        assert client.get(reverse(name, args=[w.home.slug, record.pk])).status_code == 404
    other = request_for(w.other_home, resident=w.foreign_resident, actor=w.outsider.user)
    assert (
        client_for(w.manager).get(reverse("privacy:request", args=[w.home.slug, other.pk])).status_code == 404
    )
