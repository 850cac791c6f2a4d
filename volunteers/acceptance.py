"""When a volunteer accepts their invitation to the portal, their new (or
existing) Kith account becomes theirs: the Volunteer the invitation was sent
for gets ``user``. Registered with ``homes.services.register_acceptance_hook``
from ``VolunteersConfig.ready()``; it runs inside the accepting transaction."""

from homes.audit import record_update
from homes.models import Role
from volunteers.models import Volunteer


def link_volunteer(*, invitation, membership):
    """Link the accepted ``invitation``'s volunteer to ``membership.user``:
    the volunteer it was sent for (``volunteer_invite``), or else the one
    volunteer here who has not left with the invitation's email address.

    A person already linked to an open volunteer record at this home keeps
    that link (one record per person per home); a record of theirs that left
    lets go of it."""
    if invitation.role != Role.VOLUNTEER:
        return
    volunteers = Volunteer.objects.for_home(invitation.home_id)
    if volunteers.current().filter(user=membership.user).exists():
        return
    # Someone who left and came back: the old record lets go of the account
    # (one record per person per home holds it), the new one takes it.
    record_update(volunteers.filter(user=membership.user, status=Volunteer.Status.LEFT), user=None)
    volunteer = volunteers.filter(invitation=invitation).first()
    if volunteer is None:
        # Invited from the members page instead: the one open volunteer with that email, if any.
        same_email = list(volunteers.current().filter(email__iexact=invitation.email, user__isnull=True)[:2])
        if len(same_email) != 1:
            return
        volunteer = same_email[0]
    volunteer.user = membership.user
    volunteer.save(update_fields=["user"])
