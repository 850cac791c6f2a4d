"""From application to first visit: a person applies on the home's public
"Volunteer with us" page on their phone; the activity co-ordinator records the
references, the DBS check, the identity check and the induction and makes them
active; Kith suggests a resident who shares their hobby, with the reason; the
co-ordinator arranges weekly visits; the volunteer accepts the invitation to
their own pages, signs in on the phone, sees the visit and logs an hour; the
visit is on the resident's timeline. axe-core checks every page on the way."""

import re
from datetime import timedelta

from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from homes.models import Interest, Role, Space
from residents.models import Connection
from residents.tests.factories import PersonalPlanFactory
from tests.e2e.conftest import DESKTOP, PHONE
from volunteers.models import CheckLevel, Shift, Volunteer
from volunteers.tests.factories import VolunteerRoleFactory

PASSWORD = "Spitfire-over-the-downs-1940"


def _visit_time():
    """A time earlier today (so the first visit can be logged), on today's date."""
    now = timezone.localtime()
    earlier = now - timedelta(minutes=90)
    if earlier.date() != now.date():
        earlier = now.replace(hour=0, minute=0)
    return earlier.replace(minute=(earlier.minute // 5) * 5, second=0, microsecond=0)


def test_a_volunteer_applies_is_checked_matched_and_logs_their_first_visit(journey, world, live_server):
    page = journey.page
    home = world.home
    cache.clear()  # the public form's rate limit counts per address, across runs
    model_making = Interest.objects.get(name="Model making")
    role = VolunteerRoleFactory(home=home, name="Befriender", check_level=CheckLevel.ENHANCED_BARRED)
    plan = PersonalPlanFactory(resident=world.resident)
    plan.interests.add(model_making)
    Space.objects.filter(home=home).update(name="Lounge")
    today = timezone.localdate()

    # --- A person applies on their phone -------------------------------------------------
    page.set_viewport_size(PHONE)
    journey.visit("/volunteer/rowan/", "volunteer with us")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rowan House")
    form = page.locator("main form")
    form.locator("[name=full_name]").fill("Beryl Hutchins")
    form.locator("[name=email]").fill("beryl@example.org")
    form.locator("[name=phone]").fill("07700 900123")
    form.get_by_role("checkbox", name="Befriender").check()
    form.locator("[name=what_to_do]").fill("I build model aircraft and would love to share it.")
    form.get_by_role("checkbox", name="Model making").check()
    form.locator("[name=day_1]").select_option(str(today.weekday()))
    form.locator("[name=from_1]").fill("00:00")
    form.locator("[name=until_1]").fill("23:55")
    for n, (name, relationship) in enumerate(
        [("Sheila Marsh", "Neighbour"), ("Tom Reid", "Club secretary")], 1
    ):
        form.locator(f"[name=referee{n}_name]").fill(name)
        form.locator(f"[name=referee{n}_relationship]").fill(relationship)
        form.locator(f"[name=referee{n}_email]").fill(f"{name.split()[0].lower()}@example.org")
    form.locator("[name=over_16]").check()
    form.locator("[name=consent_to_checks]").check()
    journey.submit(page.get_by_role("button", name="Send my application"), "application sent")
    expect(page.get_by_role("main")).to_contain_text("Thank you")
    volunteer = Volunteer.objects.get(home=home, email="beryl@example.org")
    assert volunteer.status == Volunteer.Status.APPLIED and volunteer.references.count() == 2

    # --- The co-ordinator checks them and makes them active --------------------------------
    page.set_viewport_size(DESKTOP)
    journey.sign_in(world.champion)
    journey.visit("/h/rowan/volunteers/board/", "the board")
    journey.click(page.get_by_role("link", name="Beryl Hutchins"), "the applicant")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Waiting for the first reference")

    for reference in volunteer.references.order_by("pk"):
        journey.visit(f"/h/rowan/volunteers/{volunteer.pk}/references/{reference.pk}/", "a reference")
        page.locator("[name=requested_on]").fill((today - timedelta(days=7)).isoformat())
        page.locator("[name=received_on]").fill(today.isoformat())
        page.get_by_role("radio", name="Satisfactory", exact=True).check()
        journey.submit(page.locator("main form button[type=submit]"), "reference received")

    journey.visit(f"/h/rowan/volunteers/{volunteer.pk}/checks/add/", "record the DBS check")
    page.locator(f"[name=level][value={CheckLevel.ENHANCED_BARRED}]").check()
    page.locator("[name=certificate_number]").fill("0012 3456 7890")
    page.locator("[name=issued_on]").fill((today - timedelta(days=10)).isoformat())
    journey.submit(page.get_by_role("button", name="Record the check"), "check recorded")

    journey.visit(f"/h/rowan/volunteers/{volunteer.pk}/screening/", "identity check")
    page.locator("[name=identity_checked_on]").fill(today.isoformat())
    page.locator("[name=identity_documents]").fill("Passport")
    journey.submit(page.get_by_role("button", name="Save"), "identity checked")

    # Not active yet: induction is missing, and the page says so.
    journey.visit(f"/h/rowan/volunteers/{volunteer.pk}/status/", "make active, too early")
    page.get_by_role("radio", name="Active", exact=True).check()
    journey.submit(page.get_by_role("button", name="Change the status"), "refused: no induction")
    expect(page.get_by_role("main")).to_contain_text("Induction not done")
    assert Volunteer.objects.get(pk=volunteer.pk).status == Volunteer.Status.APPLIED

    journey.visit(f"/h/rowan/training/add/?volunteer={volunteer.pk}", "record the induction")
    page.locator("[name=module]").select_option(label="Induction (does not need renewing)")
    page.locator("[name=completed_on]").fill(today.isoformat())
    journey.submit(page.get_by_role("button", name="Record the training"), "induction recorded")

    journey.visit(f"/h/rowan/volunteers/{volunteer.pk}/status/", "make active")
    page.get_by_role("radio", name="Active", exact=True).check()
    journey.submit(page.get_by_role("button", name="Change the status"), "active")
    assert Volunteer.objects.get(pk=volunteer.pk).status == Volunteer.Status.ACTIVE

    # --- Kith suggests a resident, with the reason; weekly visits are arranged -------------
    journey.visit(f"/h/rowan/volunteers/matching/residents/{world.resident.pk}/", "suggestions for Peggy")
    suggestion = page.get_by_role("main")
    expect(suggestion).to_contain_text("Beryl Hutchins")
    expect(suggestion).to_contain_text(re.compile(r"Both love model making", re.I))
    journey.click(page.get_by_role("link", name=re.compile("Arrange regular visits")).first, "arrange visits")
    at = _visit_time()
    page.locator("[name=weekday]").select_option(str(today.weekday()))
    page.locator("[name=starts_at]").fill(at.strftime("%H:%M"))
    page.locator("[name=minutes]").fill("60")
    page.get_by_role("radio", name="Every week").check()
    page.locator("[name=starts_on]").fill(today.isoformat())
    journey.submit(page.get_by_role("button", name="Arrange the visits"), "weekly visits arranged")
    first = Shift.objects.filter(volunteer=volunteer, resident=world.resident).order_by("starts_at").first()
    assert first is not None and timezone.localtime(first.starts_at).date() == today

    # --- The volunteer gets their own pages ----------------------------------------------
    mail.outbox.clear()
    journey.visit(f"/h/rowan/volunteers/{volunteer.pk}/", "the volunteer's page")
    journey.submit(page.get_by_role("button", name=re.compile("Invite")), "invitation sent")
    sent = [m for m in mail.outbox if m.to == ["beryl@example.org"]]
    assert len(sent) == 1
    link = re.search(re.escape(settings.SITE_URL) + r"/invitations/[^/\s]+/", sent[0].body).group(0)
    page.context.clear_cookies()

    page.set_viewport_size(PHONE)
    journey.visit(link.replace(settings.SITE_URL, live_server.url, 1), "invitation")
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("Type the password again").fill(PASSWORD)
    journey.submit(page.get_by_role("button", name="Create my account"), "account created")
    user = User.objects.get(email="beryl@example.org")
    assert user.memberships.get(home=home).role == Role.VOLUNTEER
    assert Volunteer.objects.get(pk=volunteer.pk).user == user

    journey.visit("/h/rowan/volunteering/", "my volunteering")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Peggy")
    journey.visit(f"/h/rowan/volunteering/shifts/{first.pk}/log/", "log the visit")
    page.locator("[name=minutes]").fill("60")
    page.get_by_role("radio", name="Joined in actively").check()
    page.locator("[name=note]").fill("Started a Spitfire kit together.")
    journey.submit(page.locator("main form button[type=submit]"), "visit logged")
    shift = Shift.objects.get(pk=first.pk)
    assert shift.status == Shift.Status.DONE and shift.minutes_given == 60 and shift.connection_id

    # --- The visit is on the resident's timeline -------------------------------------------
    page.context.clear_cookies()
    page.set_viewport_size(DESKTOP)
    journey.sign_in(world.staff)
    journey.visit(f"/h/rowan/residents/{world.resident.pk}/timeline/", "Peggy's timeline")
    expect(page.get_by_role("main")).to_contain_text("Beryl Hutchins")
    connection = Connection.objects.get(pk=shift.connection_id)
    assert connection.with_whom == Connection.WithWhom.VOLUNTEER
    assert role.pk in volunteer.roles.values_list("pk", flat=True)
