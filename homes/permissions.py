"""What each role may do, in one place.

Views declare the permission they need (``permission = "spaces.manage"``);
the scoping middleware has already answered 404 to anyone who is not a member
of the home, so a missing permission here is a 403. Later features add their
permission strings to the sets below rather than checking roles in views.
"""

from homes.models import Role

# Everyone who works in the home.
_STAFF = {
    "home.dashboard",
    "residents.view",  # the list, a resident's page, plan, timeline, wellbeing, peers
    "residents.change",  # edit details, move room, key worker, photo
    "plans.change",  # write the personal plan, people who matter, reviews
    "connections.log",  # log connections, read the worklist; correct their own entries for a while
    "wellbeing.record",  # the loneliness measure
    "peers.manage",  # friendships, buddies, support flags
    "coproduction.manage",  # sessions and ideas
    "spaces.view",
    "members.view",
    "visits.view",  # the day's visits and calls, any resident's bookings
    "visits.book",  # book, move or cancel a visit or call for a family
    "family.invite",  # invite a person who matters to a family account
    "events.manage",  # invite families to meals and activities, see replies
    "updates.share",  # share news about a resident with their family
    "contributions.review",  # approve or decline families' additions to a plan
    "messages.post",  # letters to print and post for people without email or a mobile
    "volunteers.rota",  # who is volunteering when; log a visit or hours for a volunteer
    "consent.record",  # record a resident's consent to each use, and withdraw it
    "community.view",  # partners, places, the local area, the programme and its calendars
    "community.partners",  # add and change partners and places; the partnership's contact history
    "community.plan",  # activities and outings, who is invited, attendance, stories and photos
}

# What a connector charity's staff do at the homes they serve: the community
# side only, never residents' plans or the people who live there.
# And, where the home has chosen to share them (GRANTED_BY_HOME), its outcome
# figures: never a resident's name.
_CONNECTOR = {"home.dashboard", "community.view", "community.partners", "evaluation.figures"}

# The volunteer co-ordinator: often the activity co-ordinator (a connection
# champion), or the manager.
_COORDINATOR = {
    "volunteers.manage",  # recruitment, checks, references, matching, assignments, drivers, hours
    "training.manage",  # the training register, for volunteers and staff
    "outings.approve",  # approve an outing's risk assessment
    "evaluation.figures",  # the outcomes dashboard's figures
    "evaluation.view",  # the outcomes dashboard with names, the self-evaluations and the improvement plan
    "evaluation.manage",  # rate themes with the reasons, add evidence, keep the improvement plan
}

_MANAGER = _STAFF | {
    "residents.admit",  # admit a resident, record that they left
    "family.manage_links",  # pause or end a relative's link, approve regular visitors
    "doorcodes.manage",  # see, change and rotate the door code; the log of views
    "restrictions.manage",  # record and review visiting restrictions
    "visiting_info.manage",  # the public visiting information page
    "members.invite",
    "members.change",
    "spaces.manage",
    "audit.view",
    "home.settings",
    "connections.correct_any",  # correct or strike out any connection-log entry, at any time
    "messages.manage",  # the outbox: what was sent, what could not be, try again
    "community.settings",  # publish the programme, the partner directories this home uses
    "evaluation.complete",  # sign a self-evaluation off
    "evaluation.export",  # the evidence pack (PDF) and the figures (CSV)
    "privacy.requests",  # requests for personal data: record one, export what is held (PDF, JSON), close it
    "retention.manage",  # whose records are due to be anonymised; hold one (a complaint open), end a hold
}

ROLE_PERMISSIONS = {
    Role.STAFF: frozenset(_STAFF),
    Role.CHAMPION: frozenset(_STAFF | _COORDINATOR | {"connections.champion"}),
    Role.MANAGER: frozenset(_MANAGER | _COORDINATOR),
    # The organisation admin also sets how long the organisation keeps the records of people who left.
    Role.ORG_ADMIN: frozenset(_MANAGER | _COORDINATOR | {"organisation.view", "retention.policy"}),
    Role.FAMILY: frozenset(
        {
            "home.dashboard",
            "family.portal",  # their own residents, visits, invitations, door code (if approved)
            "visits.book_own",  # book, move or cancel their own visits and calls
            "contributions.suggest",  # suggest additions to their resident's "about me"
        }
    ),
    Role.VOLUNTEER: frozenset({"home.dashboard", "volunteer.portal"}),  # their own shifts, hours, residents
    Role.CONNECTOR: frozenset(_CONNECTOR),
}

ALL_PERMISSIONS = frozenset().union(*ROLE_PERMISSIONS.values())


# Permissions a role holds at a home only while the home says so: (role,
# permission) -> the Home field its manager sets. A connector charity's staff
# see a home's outcome figures only where the home shares them.
GRANTED_BY_HOME = {(Role.CONNECTOR, "evaluation.figures"): "shares_outcomes"}


def home_grants(role, perm, home):
    """Whether ``home`` lets ``role`` use ``perm`` (True for anything it need not grant)."""
    field = GRANTED_BY_HOME.get((role, perm))
    return field is None or bool(getattr(home, field))


def membership_has_perm(membership, perm):
    """The role's permission, where the membership's home grants it (the home
    is read only for a permission it must grant)."""
    if not role_has_perm(membership.role, perm):
        return False
    return (membership.role, perm) not in GRANTED_BY_HOME or home_grants(
        membership.role, perm, membership.home
    )


def role_has_perm(role, perm):
    if perm not in ALL_PERMISSIONS:
        raise ValueError(f"Unknown permission {perm!r}: add it to homes.permissions")
    return perm in ROLE_PERMISSIONS.get(role, frozenset())
