"""`manage.py deliver_reminders` — run the sweeper and the planners in this
process, once or every N seconds. For the demo (no Redis, no beat: `make run`
starts it beside the web server) and for sending by hand; production uses
`celery -A carehome beat` and workers."""

import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from homes.scoping import crossing_homes
from notifications import delivery
from notifications.tasks import plan


class Command(BaseCommand):
    help = "Send the reminders that are due (the sweeper) and create date-driven ones (the planners)."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, help="Repeat every N seconds (0: once).")

    def handle(self, *args, **options):
        every = options["every"]
        last_plan = 0.0
        while True:
            if time.monotonic() - last_plan >= 15 * 60 or not every:
                plan()
                last_plan = time.monotonic()
            with crossing_homes("the sweeper hands out every home's due reminders"):
                result = delivery.sweep()
            if result["handed_out"] or result["reaped"] or not every:
                self.stdout.write(
                    f"reminders: {result['handed_out']} handed out, {result['reaped']} returned, "
                    f"{result['expired']} expired"
                )
            if not every:
                return
            close_old_connections()
            time.sleep(every)
