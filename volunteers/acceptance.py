"""When a volunteer accepts their invitation to the portal, their new (or
existing) Kith account becomes theirs: the Volunteer the invitation was sent
for gets ``user``. Registered with ``homes.services.register_acceptance_hook``
from ``VolunteersConfig.ready()``; it runs inside the accepting transaction."""

from homes.models import Role
from volunteers.models import Volunteer


def link_volunteer(*, invitation, membership):
    """Link the accepted ``invitation``'s volunteer to ``membership.user``:
    the volunteer it was sent for (``volunteer_invite``), or else the one
    volunteer here who has not left with the invitation's email address.

    A person already linked to a volunteer record at this home keeps that
    link (one record per person per home); nothing else changes."""
    if invitation.role != Role.VOLUNTEER:
        return
    volunteers = Volunteer.objects.for_home(invitation.home_id)
    if volunteers.filter(user=membership.user).exists():
        return
    volunteer = volunteers.filter(invitation=invitation).first()
    if volunteer is None:
        # Invited from the members page instead: the one open volunteer with that email, if any.
        same_email = list(volunteers.current().filter(email__iexact=invitation.email, user__isnull=True)[:2])
        if len(same_email) != 1:
            return
        volunteer = same_email[0]
    volunteer.user = membership.user
    volunteer.save(update_fields=["user"])
