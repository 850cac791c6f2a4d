"""A resubmitted create saves once.

A create form carries a one-time token (``carehome.forms.OnceFormMixin``). The
service claims it inside the transaction that creates the record::

    with transaction.atomic(), submission_once(home=home, actor=actor, token=form_token) as once:
        record = Model.objects.create(...)
        once.created(record)

The claim is a row in ``FormSubmission`` with a unique token, written first:
a second POST with the same token (a resubmit, the back button, a double tap
racing the first) fails on the constraint, inside a savepoint, and gets
``AlreadySaved`` carrying what the first one created; nothing is created or
sent twice. If the first create fails, its transaction takes the claim with
it, so the same form can be sent again. ``token=None`` (a caller that is not a
form) claims nothing.

The view answers ``AlreadySaved`` with ``already_saved(request, error, url)``:
"This was already saved." and the page of what was created.
"""

from contextlib import contextmanager

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.shortcuts import redirect

from carehome.errors import DomainError
from homes.models import FormSubmission

ALREADY_SAVED = "This was already saved."


class AlreadySaved(DomainError):
    """This form was sent before and saved then; ``record`` is what it created
    (``None`` if that is not known or no longer there)."""

    def __init__(self, submission):
        super().__init__(ALREADY_SAVED)
        self.submission = submission
        self.record = _created(submission)


def _created(submission):
    if submission is None or submission.created_type_id is None:
        return None
    model = submission.created_type.model_class()
    if model is None:
        return None
    rows = model._default_manager
    rows = (
        rows.for_home(submission.home_id)
        if hasattr(rows, "for_home")
        else rows.filter(home=submission.home_id)
    )
    return rows.filter(pk=submission.created_id).first()


class _Claim:
    def __init__(self, row):
        self.row = row

    def created(self, record):
        """Remember ``record`` as what this form created (shown to a resubmit)."""
        if self.row is None or record is None:
            return
        self.row.created_type = ContentType.objects.get_for_model(record)
        self.row.created_id = record.pk
        self.row.save(update_fields=["created_type", "created_id"])


@contextmanager
def submission_once(*, home, actor, token):
    """Claim the form's one-time ``token`` for this create; raises ``AlreadySaved``
    if it was claimed before. Must run inside the create's transaction."""
    if not token:
        yield _Claim(None)
        return
    if not connection.in_atomic_block:
        raise RuntimeError("submission_once() must run inside the create's transaction.atomic().")
    row = _claim(home, actor, token)
    if row is None:
        # Sent before, or a double tap that just committed: the constraint decided.
        raise AlreadySaved(earlier_submission(home, token))
    yield _Claim(row)


def earlier_submission(home, token):
    """The claim of ``token`` made before (with what it created), or None."""
    return FormSubmission.objects.for_home(home).filter(token=token).select_related("created_type").first()


def _claim(home, actor, token):
    """The new claim's row, or None if the token was claimed before. On
    PostgreSQL one statement, ``ON CONFLICT DO NOTHING`` (a double tap waits
    here for the first's commit, then finds the token taken); elsewhere an
    insert in a savepoint."""
    token = FormSubmission._meta.get_field("token").to_python(token)
    row = FormSubmission(home=home, actor=actor, token=token)
    if connection.vendor != "postgresql":
        try:
            with transaction.atomic():
                row.save(force_insert=True)
        except IntegrityError:
            return None
        return row
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {FormSubmission._meta.db_table} (home_id, token, actor_id, created_at) "  # noqa: S608 - the model's own table name
            "VALUES (%s, %s::uuid, %s, %s) ON CONFLICT (token) DO NOTHING RETURNING id",
            [home.pk, str(token), getattr(actor, "pk", None), row.created_at],
        )
        found = cursor.fetchone()
    if found is None:
        return None
    row.pk = found[0]
    row._state.adding = False
    return row


def submission_seen(*, home, token):
    """Raise ``AlreadySaved`` now if ``token`` was used: for a service whose
    own checks (a unique name, say) would otherwise refuse the resubmit with
    the wrong message before ``submission_once`` runs."""
    if token:
        earlier = FormSubmission.objects.for_home(home).filter(token=token).first()
        if earlier is not None:
            raise AlreadySaved(earlier)


def already_saved(request, error, url):
    """The view's answer to ``AlreadySaved``: say so, and go where the first
    submission went (``url``: what it created, or the list)."""
    messages.info(request, error.message)
    return redirect(url)
