"""Demo history (``seed_demo --weeks W``): the last W weeks of each home's
residents, written with COPY (``homes.bulkload``), not the ORM.

For every home:

- **Residents**: the home's current residents (a home the demo's areas did
  not seed gets its ``--residents-per-home``, named as ``admissions.admit``
  would name them, with plans, people who matter and the demo relatives'
  links), and before them, room by room, the people who lived here and moved
  out or died over the weeks (about 30 % a year), each with a plan, two to six
  people who matter and a key worker.
- **Connection log**: calls, letters, video calls and visits from each
  person who matters at the rhythm the plan asks for (visits more at
  weekends, around Christmas, Easter and in the summer holidays), one-to-ones
  with staff and tea with another resident. About one resident in ten is
  quiet: fewer calls, fewer visits, fewer one-to-ones.
- **Plan reviews** every six months (a snapshot each) and the key worker's
  reminder a week before each.

The other apps' generators run after this one and read the home's
``Book`` (``book_for``): who lived here when, their people, the in-person
visits logged (visits books some of them) and ``Book.log`` to add entries to
the connection log (activities, volunteers' visits). A home whose demo areas
already wrote a connection log gets history only up to its first entry, so
the two never overlap.
"""

import random
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Min

from homes.demo import email
from homes.models import Interest, Membership, Role
from residents.demo.history.book import KEY, Book, LoggedVisit, Person, Stay
from residents.demo.history.log import visiting_season, write_log
from residents.demo.history.people import (
    KEY_WORKERS,
    Writers,
    demo_accounts,
    new_stay,
    person_of,
    who_lived_here,
    write_links,
    write_resident,
    write_reviews,
)
from residents.models import Connection, PersonalPlan, PersonWhoMatters, RelativeLink, Resident

__all__ = ["Book", "LoggedVisit", "Person", "Stay", "book_for", "history", "visiting_season"]


def book_for(load, home):
    """The home's ``Book``, made by ``history`` (earlier in the run)."""
    return load.context[KEY][home.pk]


def history(*, homes, weeks, today, load, residents_per_home, **_):
    start = today - timedelta(weeks=weeks)
    ids = [h.pk for h in homes]
    memberships = {}
    for row in (
        Membership.objects.filter(home_id__in=ids, is_active=True)
        .values_list("home_id", "id", "user_id", "role", "user__email", "user__full_name")
        .order_by("id")
    ):
        memberships.setdefault(row[0], []).append(row)
    existing, names = {}, {}
    for row in (
        Resident.objects.filter(home_id__in=ids)
        .values_list(
            "home_id",
            "id",
            "full_name",
            "preferred_name",
            "admitted_on",
            "status",
            "key_worker_id",
            "left_on",
        )
        .order_by("id")
    ):
        names.setdefault(row[0], set()).add(row[2])
        if row[-1] is None:
            existing.setdefault(row[0], []).append(row[1:-1])
    people = {}
    for person in PersonWhoMatters.objects.filter(home_id__in=ids).order_by("id"):
        people.setdefault(person.resident_id, []).append(person)
    # The demo relatives already linked to someone in their plan (they book their own visits).
    accounts_of = dict(
        RelativeLink.objects.filter(
            home_id__in=ids, person__isnull=False, status=RelativeLink.Status.ACTIVE
        ).values_list("person_id", "membership_id")
    )
    first_logged = dict(
        Connection.objects.filter(home_id__in=ids)
        .values_list("home_id")
        .annotate(first=Min("occurred_at"))
        .values_list("home_id", "first")
    )
    writers = Writers(
        load=load,
        interests={i.name: i for i in Interest.objects.all()},
        plan_type=ContentType.objects.get_for_model(PersonalPlan).pk,
    )
    load.context[KEY] = books = {}
    caring = (Role.STAFF, Role.CHAMPION, Role.MANAGER)
    for home in homes:
        rng = random.Random(f"history-residents-{home.slug}")
        mine = memberships.get(home.pk, [])
        by_email = {m[4]: m for m in mine}
        staff = [by_email[email(x, home.slug)][2] for x in KEY_WORKERS if email(x, home.slug) in by_email]
        manager = next((m for m in mine if m[3] == Role.MANAGER), None)
        first = first_logged.get(home.pk)
        book = books[home.pk] = Book(
            home=home,
            start=start,
            until=min(today, first.date()) if first else today,
            today=today,
            load=load,
            staff=staff or [m[2] for m in mine if m[3] in caring],
            staff_memberships=[(m[1], m[2]) for m in mine if m[3] in caring],
            manager_id=manager[2] if manager else None,
        )
        living = existing.get(home.pk, [])
        for id_, full_name, preferred, admitted, status, key_worker_id in living:
            stay = new_stay(rng, id_, full_name=full_name, preferred=preferred, admitted_on=admitted)
            stay.status, stay.key_worker_id = status, key_worker_id
            stay.people = [person_of(p) for p in people.get(id_, []) if p.is_active]
            for person in stay.people:
                person.membership_id = accounts_of.get(person.id)
            book.stays.append(stay)
        newcomers = who_lived_here(book, rng, living, residents_per_home, taken=names.get(home.pk, set()))
        # A home the demo did not seed: the demo relatives follow its first residents, as admit links them.
        accounts = {} if living else demo_accounts(by_email, home)
        addresses = {row[2]: address for address, row in by_email.items()}
        links = []
        for n, newcomer in enumerate(newcomers):
            links += write_resident(book, rng, newcomer, n=n, accounts=accounts.get(n, []), writers=writers)
        write_reviews(book, rng, writers, addresses)
        write_links(book, links)
        write_log(book, rng)
    return books
