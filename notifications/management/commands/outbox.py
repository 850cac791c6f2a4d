"""`manage.py outbox` — what the outbox holds, what failed, and when the sweeper last ran."""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Min
from django.utils import timezone

from homes.models import Home
from homes.scoping import crossing_homes, home_scope
from notifications import health, selectors
from notifications.kinds import UnknownKind, get_kind
from notifications.models import Heartbeat, Reminder

Status = Reminder.Status


def label(kind):
    try:
        return get_kind(kind).label
    except UnknownKind:
        return f"{kind} (unknown kind)"


class Command(BaseCommand):
    help = "Show the reminder outbox: counts by kind and status, the oldest waiting, failures, the sweeper."

    def execute(self, *args, **options):
        home = Home.objects.filter(slug=options.get("home") or "").first()
        if home is not None:
            with home_scope(home):
                return super().execute(*args, **options)
        with crossing_homes("the operator's view of every home's outbox"):
            return super().execute(*args, **options)

    def add_arguments(self, parser):
        parser.add_argument("--home", help="Only this home (its slug, e.g. rowan-house).")
        parser.add_argument("--failed", type=int, default=10, help="How many recent failures to list (10).")

    def handle(self, *args, **options):
        rows = Reminder.objects.all()
        if options["home"]:
            home = Home.objects.filter(slug=options["home"]).first()
            if home is None:
                raise CommandError(f"No home has the slug {options['home']!r}.")
            rows = rows.filter(home=home)
            self.stdout.write(f"Outbox for {home.name}")
        now = timezone.now()
        write = self.stdout.write

        statuses = [s.value for s in Status]
        table = {}
        for item in rows.values("kind", "status").annotate(n=Count("id")).order_by("kind"):
            table.setdefault(item["kind"], dict.fromkeys(statuses, 0))[item["status"]] = item["n"]
        width = max([len(label(k)) for k in table] + [20])
        write(f"{'Kind':<{width}}  " + "  ".join(f"{s:>9}" for s in statuses))
        totals = dict.fromkeys(statuses, 0)
        for kind, counts in table.items():
            write(f"{label(kind):<{width}}  " + "  ".join(f"{counts[s]:>9}" for s in statuses))
            for s in statuses:
                totals[s] += counts[s]
        write(f"{'All':<{width}}  " + "  ".join(f"{totals[s]:>9}" for s in statuses))

        waiting = rows.filter(status=Status.PENDING, channel__in=["email", "sms"])
        overdue = waiting.filter(not_before__lte=now).aggregate(oldest=Min("not_before"))["oldest"]
        write("")
        if overdue:
            minutes = int((now - overdue).total_seconds() // 60)
            write(
                f"Due and waiting for a worker: {waiting.filter(not_before__lte=now).count()}, "
                f"the oldest due {minutes} min ago."
            )
        else:
            write("Nothing due is waiting for a worker.")
        sending = rows.filter(status=Status.SENDING).aggregate(n=Count("id"), oldest=Min("claimed_at"))
        if sending["n"]:
            since = timezone.localtime(sending["oldest"])
            write(f"Sending now: {sending['n']} (claimed since {since:%H:%M:%S}).")
        self.write_late(rows, now)
        letters = rows.filter(status=Status.PENDING, channel="post").count()
        if letters:
            write(f"Letters waiting to be posted by staff: {letters}.")

        self.write_health(now)

        self.write_failed(rows, options["failed"])

    def write_health(self, now):
        """Workers, then the sweeper, reaper and planner: each with the likely cause when late."""
        write = self.stdout.write
        write("")
        status = health.workers_status(now)
        write(f"Workers: {status['state']}" + (f" — {status['message']}" if status.get("message") else ""))
        for worker in status["workers"]:
            queues = ", ".join(worker["queues"])
            write(f"  {worker['name']} ({queues}): last seen {worker['seconds_ago']} s ago")
        for name in ("sweeper", "reaper", "planner"):
            beat = Heartbeat.objects.filter(name=name).first()
            if beat is None:
                line = f"The {name} has never run."
            else:
                seconds = int((now - beat.at).total_seconds())
                line = f"The {name} last ran {seconds} s ago ({timezone.localtime(beat.at):%d %b %H:%M:%S})."
            if name != "planner":
                checked = health.housekeeping_status(name, now)
                if checked.get("message"):
                    line += f" {checked['message']}"
            write(line)

    def write_failed(self, rows, how_many):
        """The latest failures: what, to whom (named as on the Messages page), why."""
        failed = rows.filter(status=Status.FAILED).select_related("home", "user").order_by("-id")[:how_many]
        if not failed:
            return
        self.stdout.write("")
        self.stdout.write("Could not be sent (retry from the home's Messages page):")
        for row in failed:
            when = timezone.localtime(row.due)
            to_whom = selectors.recipient_name(row)
            if row.address and row.address != to_whom:
                to_whom = f"{to_whom} <{row.address}>"
            why = selectors.why_failed(row) or "No outcome recorded."
            if not selectors.can_retry(row):
                why += " Not to be tried again: the provider may have it."
            error = row.last_error.splitlines()[0] if row.last_error else ""
            self.stdout.write(
                f"  #{row.pk} {label(row.kind)} to {to_whom} by {row.channel}, "
                f"due {when:%d %b %H:%M}, {row.attempts} tries — {why}" + (f" {error}" if error else "")
            )

    def write_late(self, rows, now):
        """The Messages page's "Overdue" and "Stuck" counts, with the oldest age (one query)."""
        overdue, stuck = selectors.overdue_q(now), selectors.stuck_q(now)
        late = rows.aggregate(
            overdue=Count("id", filter=overdue),
            overdue_oldest=Min("not_before", filter=overdue),
            stuck=Count("id", filter=stuck),
            stuck_oldest=Min("claimed_at", filter=stuck),
        )
        past = selectors.duration_in_words(selectors.overdue_after())
        if late["overdue"]:
            age = selectors.duration_in_words((now - late["overdue_oldest"]).total_seconds())
            self.stdout.write(
                f"Overdue (due more than {past} ago, not sent): {late['overdue']}, the oldest due {age} ago."
            )
        else:
            self.stdout.write(f"Overdue (due more than {past} ago, not sent): none.")
        timeout = selectors.duration_in_words(selectors.sending_timeout())
        if late["stuck"]:
            age = selectors.duration_in_words((now - late["stuck_oldest"]).total_seconds())
            self.stdout.write(
                f"Stuck (sending for more than {timeout}): {late['stuck']}, the oldest sending for {age}; "
                "the reaper returns them to the queue."
            )
        else:
            self.stdout.write(f"Stuck (sending for more than {timeout}): none.")
