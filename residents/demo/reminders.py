"""Demo reminders for key workers: at least one plan review falls due this
week, and the planners run once for the home so the outbox has plan-review
reminders and "nobody has visited" nudges to show (and, with a worker or the
sweeper running, to send to the console).

Idempotent: the planners leave rows that already exist alone, and a plan's
review date is only moved when no review is due soon.
"""

from datetime import timedelta

from residents.messages import REVIEW_NOTICE_DAYS, REVIEW_OVERDUE_DAYS, run_planners
from residents.models import PersonalPlan, Resident


def seed(*, home, residents, staff, today, rng):
    plans = PersonalPlan.objects.for_home(home).filter(
        resident__status=Resident.Status.CURRENT, resident__key_worker__isnull=False
    )
    due_soon = plans.filter(
        review_due_on__gte=today - timedelta(days=REVIEW_OVERDUE_DAYS),
        review_due_on__lte=today + timedelta(days=REVIEW_NOTICE_DAYS),
    )
    if not due_soon.exists():
        # One plan whose review is in a few days (a plain update: demo data,
        # not a change anyone made to the plan).
        plan = plans.order_by("pk").first()
        if plan is not None:
            PersonalPlan.objects.filter(pk=plan.pk).update(
                review_due_on=today + timedelta(days=rng.randint(2, 5))
            )
    run_planners(home=home)
