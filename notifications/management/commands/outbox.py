"""`manage.py outbox` — what the outbox holds, what failed, and when the sweeper last ran."""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Min
from django.utils import timezone

from homes.models import Home
from homes.scoping import crossing_homes, home_scope
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
        stuck = rows.filter(status=Status.SENDING).aggregate(n=Count("id"), oldest=Min("claimed_at"))
        if stuck["n"]:
            write(
                f"Sending now: {stuck['n']} (claimed since {timezone.localtime(stuck['oldest']):%H:%M:%S})."
            )
        letters = rows.filter(status=Status.PENDING, channel="post").count()
        if letters:
            write(f"Letters waiting to be posted by staff: {letters}.")

        for name in ("sweeper", "planner"):
            beat = Heartbeat.objects.filter(name=name).first()
            if beat is None:
                write(f"The {name} has never run (is `celery -A carehome beat` running?).")
            else:
                seconds = int((now - beat.at).total_seconds())
                write(f"The {name} last ran {seconds} s ago ({timezone.localtime(beat.at):%d %b %H:%M:%S}).")

        failed = rows.filter(status=Status.FAILED).select_related("home").order_by("-id")[: options["failed"]]
        if failed:
            write("")
            write("Could not be sent (retry from the home's Messages page):")
            for row in failed:
                when = timezone.localtime(row.due)
                error = row.last_error.splitlines()[0] if row.last_error else ""
                write(
                    f"  #{row.pk} {label(row.kind)} to {row.address or row.recipient} by {row.channel}, "
                    f"due {when:%d %b %H:%M}, {row.attempts} tries — {error}"
                )
