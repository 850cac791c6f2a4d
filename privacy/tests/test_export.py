"""What a subject access export holds: everything about the person, nothing
that names another resident, no secret."""

import json
from datetime import date, timedelta

import pypdfium2
import pytest
from django.utils import timezone

from community.tests.factories import StoryPhotoFactory
from homes.scoping import home_scope
from notifications.models import Reminder
from privacy import render
from privacy.services import subject_for
from privacy.tests.factories import request_for
from residents.models import Connection
from residents.tests.factories import (
    ConnectionFactory,
    ConnectionParticipantFactory,
    FriendshipFactory,
    LonelinessMeasureFactory,
    PersonalPlanFactory,
    PersonWhoMattersFactory,
    ResidentFactory,
)
from visits.tests.factories import VisitFactory
from volunteers.tests.factories import AssignmentFactory, cleared_volunteer

pytestmark = pytest.mark.django_db


def pdf_text(content):
    document = pypdfium2.PdfDocument(content)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


@pytest.fixture
def peggy_held(world):
    """Peggy's records, with Arthur (another resident) in several of them."""
    w = world
    peggy, arthur = w.resident, w.unlinked_resident
    with home_scope(w.home):
        PersonalPlanFactory(resident=peggy, what_matters="Her garden and the Sunday crossword")
        PersonWhoMattersFactory(resident=peggy, name="Tom Baxter", relationship="son")
        shared = ConnectionFactory(
            home=w.home,
            with_whom=Connection.WithWhom.RESIDENT,
            other_resident=arthur,
            mode=Connection.Mode.IN_PERSON,
            note="Peggy and Arthur Hughes did the crossword together; Arthur laughed a lot.",
        )
        ConnectionParticipantFactory(resident=peggy, connection=shared, note="Talked about Arthur's garden")
        ConnectionParticipantFactory(resident=arthur, connection=shared, note="Arthur's own note")
        FriendshipFactory(resident_a=peggy, resident_b=arthur, notes="Arthur sits with her at lunch")
        LonelinessMeasureFactory(resident=peggy, recorded_on=date(2026, 10, 1))
        VisitFactory(resident=peggy, visitor_name="Linda Baxter", note="Bringing the grandchildren")
        VisitFactory(resident=arthur, visitor_name="Gwen Hughes", note="Arthur's niece")
        StoryPhotoFactory(
            story__home=w.home, residents=[peggy, arthur], description="Peggy and Arthur by the lake"
        )
        StoryPhotoFactory(story__home=w.home, residents=[arthur], description="Arthur alone by the lake")
    return w


def test_a_residents_export_holds_her_records_and_names_no_other_resident(peggy_held):
    w = peggy_held
    record = request_for(w.home, resident=w.resident)
    with home_scope(w.home):
        subject = subject_for(record)
        as_json = json.loads(render.as_json(subject, record))
        pdf = render.as_pdf(subject, record)
    sections = {s["key"]: s["rows"] for s in as_json["sections"]}
    assert sections["plan"][0]["what_matters"] == "Her garden and the Sunday crossword"
    assert [p["name"] for p in sections["people"]] == ["Tom Baxter"]
    assert len(sections["connections"]) == 1
    assert sections["connections"][0]["connection.other_resident"] == "another resident"
    assert "another resident" in sections["connections"][0]["connection.note"]
    assert len(sections["wellbeing"]) == 1
    assert {c["purpose"] for c in sections["consents"]} >= {"Visits and contact from volunteers"}
    assert [v["note"] for v in sections["visits"]] == ["Bringing the grandchildren"]
    # The one photo she is in, inlined, with the other resident not named.
    assert len(sections["photos"]) == 1
    photo = sections["photos"][0]
    assert photo["image"]["data"].startswith("data:image/png;base64,")
    assert photo["residents"] == ["Margaret Baxter (Peggy)", "1 other resident"]
    assert photo["description"] == "Peggy and another resident by the lake"

    text = pdf_text(pdf)
    assert "Her garden and the Sunday crossword" in text
    assert "Bringing the grandchildren" in text
    raw = json.dumps(as_json)
    with home_scope(w.home):
        others = list(type(w.resident).objects.for_home(w.home).exclude(pk=w.resident.pk))
    assert others
    for other in others:
        for name in {other.full_name, other.full_name.split()[0]}:
            assert name not in text, name
            assert name not in raw, name
    assert "Gwen Hughes" not in raw and "Arthur's niece" not in raw


def test_an_export_never_holds_a_secret(world):
    w = world
    record = request_for(w.home, membership=w.relative)
    with home_scope(w.home):
        raw = render.as_json(subject_for(record), record)
    user = w.relative.user
    assert user.email in raw
    assert user.password not in raw
    assert '"password"' not in raw and "token" not in raw


def test_a_relatives_export_holds_what_they_booked_and_were_sent(world):
    w = world
    with home_scope(w.home):
        VisitFactory(
            resident=w.resident, booked_by=w.relative, visitor_name="Linda Baxter", note="With the dog"
        )
        VisitFactory(resident=w.unlinked_resident, visitor_name="Gwen Hughes", note="Not hers")
        Reminder.objects.create(
            home=w.home,
            kind="visit_reminder",
            channel="email",
            recipient=f"user:{w.relative.user.pk}",
            user=w.relative.user,
            address=w.relative.user.email,
            object_type_id=1,
            object_id=1,
            due=timezone.now() - timedelta(days=1),
            not_before=timezone.now() - timedelta(days=1),
            status=Reminder.Status.SENT,
        )
    record = request_for(w.home, membership=w.relative)
    with home_scope(w.home):
        found = json.loads(render.as_json(subject_for(record), record))
    sections = {s["key"]: s["rows"] for s in found["sections"]}
    assert [v["note"] for v in sections["visits"]] == ["With the dog"]
    assert sections["links"][0]["resident"] == "Margaret Baxter (Peggy)"
    assert [m["channel"] for m in sections["messages"]] == ["Email"]
    assert "Arthur" not in json.dumps(found)


def test_a_volunteers_export_does_not_name_the_residents_they_visit(world):
    w = world
    volunteer = cleared_volunteer(w.home, full_name="Beryl Hutchins")
    with home_scope(w.home):
        AssignmentFactory(volunteer=volunteer, resident=w.resident, reason="Both love Peggy's garden")
    record = request_for(w.home, volunteer=volunteer)
    with home_scope(w.home):
        raw = render.as_json(subject_for(record), record)
    found = json.loads(raw)
    sections = {s["key"]: s["rows"] for s in found["sections"]}
    assert sections["volunteer"][0]["full_name"] == "Beryl Hutchins"
    assert sections["assignments"][0]["resident"] == "another resident"
    assert "Peggy" not in raw and "Margaret" not in raw


def test_reading_an_export_costs_the_same_queries_however_much_is_held(world, django_assert_max_num_queries):
    w = world
    record = request_for(w.home, resident=w.resident)

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with home_scope(w.home), CaptureQueriesContext(connection) as queries:
            render.as_json(subject_for(record), record)
        return len(queries)

    def add(times):
        with home_scope(w.home):
            for _ in range(times):
                other = ResidentFactory(home=w.home)
                ConnectionParticipantFactory(resident=w.resident, connection__home=w.home)
                VisitFactory(resident=w.resident)
                StoryPhotoFactory(story__home=w.home, residents=[w.resident, other])

    add(1)
    before = count()
    add(5)
    assert count() == before
