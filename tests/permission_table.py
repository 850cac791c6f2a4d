"""Who may do what: one declared table of every named URL of the project,
for every actor, GET and POST (issue 16). tests/test_permission_matrix.py
asks each URL as each actor and compares the answer with this table.

It is written out by hand, never read from the views' own permission
declarations: taking a check out of a view must change an answer here, not
the expectation with it. A new URL fails the matrix until it has a row.

How to read a row of a home's page (``/h/<home>/…``)::

    "visits:visit_detail": page(STAFF | FAMILY, hidden=OTHER_RELATIVE),

- the actors named may use it: GET shows it, an empty POST gets the form
  back or does what it does (ALLOW);
- ``hidden``: actors of the home with the permission, for whom the record
  in the URL is not theirs (another resident's visit, another volunteer's
  visit): 404, as for a record that does not exist;
- every other member of the home: 403;
- every member of another home, and the admin site's people (who belong to
  no home): 404, nothing says the home exists;
- no session: sent to sign in (``anonymous=NOT_FOUND`` for a picture's
  address, which gives no hint).

``action(...)`` is the same for a button's address, POST only: a GET is
405 for those who pass the permission, the same refusal for everyone else.

The world the URLs are filled from (tests/fixtures.py, the sweep's
``<app>/tests/sweep*.py``): the home's pages name Peggy (Margaret Baxter),
whose relative is ``family`` and whom ``volunteer`` visits; their records
were made by nobody in particular (so only a manager corrects a connection
entry, for example).
"""

from dataclasses import dataclass

# --- Outcomes ------------------------------------------------------------------------------------

ALLOW = "allowed"  # 200, a redirect that is not to sign in, or 204 for a small POST
FORBIDDEN = "403"  # signed in, a member, but not their role or not their record
NOT_FOUND = "404"  # nothing to say: not their home, or not their record
LOGIN = "sent to sign in"  # a redirect to the sign-in page
METHOD = "405"  # the address does not take this method
ANY = "any answer but an error"  # the admin site's own pages, for its users (see ``expected``)

ALLOWED_STATUSES = (200, 204, 302, 303)

# --- Actors --------------------------------------------------------------------------------------

# The home whose pages are asked for (Rowan House).
MANAGERS = {"manager", "org_admin"}  # the home's manager; an organisation admin can do the same
COORDINATORS = MANAGERS | {"champion"}  # the volunteer co-ordinator: a connection champion
STAFF = COORDINATORS | {"staff"}  # everyone who works in the home
FAMILY = {"family"}  # the relative of the resident the URL names (Peggy)
OTHER_RELATIVE = {"family_other"}  # a relative of another resident of the home (Arthur)
RELATIVES = FAMILY | OTHER_RELATIVE
VOLUNTEER = {"volunteer"}  # visits Peggy; their own shifts are the ones in the URL
UNASSIGNED = {"volunteer_unassigned"}  # a volunteer of the home who visits Arthur instead
VOLUNTEERS = VOLUNTEER | UNASSIGNED
SHARING_CONNECTOR = {"connector_shared"}  # the connector, at a home that shares its outcome figures
CONNECTORS = {"connector"} | SHARING_CONNECTOR  # a connector charity's member of staff
EVERY_MEMBER = STAFF | RELATIVES | VOLUNTEERS | CONNECTORS

# Each role of another home (Birch Court), whose relative and volunteer have
# their own resident there.
OUTSIDERS = {
    "outsider_manager",
    "outsider_champion",
    "outsider_staff",
    "outsider_volunteer",
    "outsider_family",
    "outsider_connector",
    "outsider_org_admin",
}
SITE_ADMIN = "site_admin"  # the back-office admin site's user: a member of no home
ANONYMOUS = "anonymous"

ACTORS = (
    "manager",
    "champion",
    "staff",
    "org_admin",
    "volunteer",
    "volunteer_unassigned",
    "family",
    "family_other",
    "connector",
    "connector_shared",
    *sorted(OUTSIDERS),
    SITE_ADMIN,
    ANONYMOUS,
)


# --- Rows ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    get: dict
    post: dict


def _home_answers(who, hidden, anonymous):
    answers = {}
    for actor in ACTORS:
        if actor in who:
            answers[actor] = ALLOW
        elif actor in hidden:
            answers[actor] = NOT_FOUND
        elif actor in EVERY_MEMBER:
            answers[actor] = FORBIDDEN
        elif actor == ANONYMOUS:
            answers[actor] = anonymous
        else:
            answers[actor] = NOT_FOUND
    return answers


def page(who, *, hidden=frozenset(), anonymous=LOGIN):
    """A page of the home: ``who`` may use it (see the module's docstring)."""
    answers = _home_answers(who, hidden, anonymous)
    return Row(get=answers, post=dict(answers))


def action(who, *, hidden=frozenset()):
    """A button of the home (POST only): a GET is 405 for those who pass the permission."""
    post = _home_answers(who, hidden, LOGIN)
    get = {actor: METHOD if actor in who | hidden else answer for actor, answer in post.items()}
    return Row(get=get, post=post)


def anyone(get=ALLOW, post=ALLOW):
    """A page outside the homes that answers everyone alike, signed in or not."""
    return Row(get=dict.fromkeys(ACTORS, get), post=dict.fromkeys(ACTORS, post))


def signed_in(get=ALLOW, post=ALLOW):
    """A person's own page: anyone signed in; no session is sent to sign in."""
    row = anyone(get, post)
    row.get[ANONYMOUS] = row.post[ANONYMOUS] = LOGIN
    return row


def signed_out(answer_signed_in):
    """A page for someone without a session: anyone signed in gets ``answer_signed_in``."""
    row = anyone(answer_signed_in, answer_signed_in)
    row.get[ANONYMOUS] = row.post[ANONYMOUS] = ALLOW
    return row


# --- The table -----------------------------------------------------------------------------------

TABLE = {
    # Outside any home: choosing a home, signing in and out, a person's own account.
    "start": signed_in(),  # to the home last used, or the list
    "choose_home": signed_in(),
    "healthz": anyone(),
    "login": anyone(),  # someone signed in is sent on to their home
    "logout": anyone(get=METHOD, post=LOGIN),
    "sign_out_idle": anyone(get=METHOD, post=LOGIN),
    "switch_user": anyone(get=METHOD, post=LOGIN),
    "two_step_verify": signed_in(),  # sent on unless their session waits for a code
    "account": signed_in(),
    "two_step": signed_in(),
    "signed_in_sessions": signed_in(),
    "session_stay": signed_in(get=METHOD),
    "two_step_codes": signed_in(),
    "password_change": signed_in(),
    "password_change_done": signed_in(post=METHOD),
    "password_reset": anyone(),
    "password_reset_done": anyone(post=METHOD),
    "password_reset_confirm": anyone(),  # the emailed link: its token is the key
    "password_reset_complete": anyone(post=METHOD),
    "message_preferences": signed_in(),
    "stop_messages": anyone(),  # the "stop" link in a message: its token is the key
    # An invitation to someone with no account yet: anyone signed in is another person.
    "accept_invitation": signed_out(FORBIDDEN),
    # The organisation's outcomes, every home side by side: those who may see the
    # figures with names at one of its homes; its other members 403; anyone else 404.
    "organisation:dashboard": page(COORDINATORS),
    # Public pages of a home (no sign-in): its visiting information, the relative's
    # secret calendar address, "volunteer with us", the published programme and its
    # photos with everyone's consent to public use.
    "visiting:info": anyone(),
    "visiting:info_print": anyone(),
    "visiting:space_photo": anyone(),
    "visiting:calendar_feed": anyone(),
    "volunteer_with_us:organisation": anyone(),
    "volunteer_with_us:organisation_thanks": anyone(),
    "volunteer_with_us:apply": anyone(),
    "volunteer_with_us:thanks": anyone(),
    "programme:home": anyone(),
    "programme:screen": anyone(),
    "programme:ics": anyone(),
    "programme:photo": anyone(),
    # --- homes: the dashboard, people, spaces, history
    "homes:dashboard": page(EVERY_MEMBER),
    "homes:members": page(STAFF),
    "homes:invite": page(MANAGERS),
    "homes:membership_edit": page(MANAGERS),
    "homes:membership_two_step_reset": action(MANAGERS),
    "homes:invitation_resend": action(MANAGERS),
    "homes:invitation_revoke": action(MANAGERS),
    "homes:spaces": page(STAFF),
    "homes:space_add": page(MANAGERS),
    "homes:space_edit": page(MANAGERS),
    "homes:history": page(MANAGERS),
    # --- residents: care records are for staff only, never volunteers, relatives or connectors
    "residents:list": page(STAFF),
    "residents:admit": page(MANAGERS),
    "residents:settings": page(MANAGERS),
    "residents:detail": page(STAFF),
    "residents:edit": page(STAFF),
    "residents:key_worker": page(STAFF),
    "residents:leave": page(MANAGERS),
    "residents:visiting_priority": page(STAFF),
    "residents:photo": page(STAFF),
    "residents:family": page(RELATIVES),  # a relative's own resident(s)
    "residents:worklist": page(STAFF),
    "residents:connection_add": page(STAFF),
    "residents:connection_detail": page(STAFF),
    "residents:timeline": page(STAFF),
    # The entry's author for a few days, or a manager: the sweep's entry has no author.
    "residents:connection_correct": page(MANAGERS),
    "residents:connection_strike_out": page(MANAGERS),
    "residents:coproduction_list": page(STAFF),
    "residents:coproduction_add": page(STAFF),
    "residents:coproduction_detail": page(STAFF),
    "residents:coproduction_edit": page(STAFF),
    "residents:idea_add": action(STAFF),
    "residents:idea_status": page(STAFF),
    "residents:friends": page(STAFF),
    "residents:friendship_add": page(STAFF),
    "residents:buddy_assign": page(STAFF),
    "residents:friendship_end": action(STAFF),
    "residents:support_flag_resolve": page(STAFF),
    "residents:wellbeing": page(STAFF),
    "residents:wellbeing_add": page(STAFF),
    "residents:consent": page(STAFF),
    "residents:consent_give": page(STAFF),
    "residents:consent_withdraw": page(STAFF),
    "residents:plan": page(STAFF),
    "residents:plan_edit": page(STAFF),
    "residents:person_add": page(STAFF),
    "residents:person_edit": page(STAFF),
    "residents:plan_review": page(STAFF),
    # --- visits: staff book for anyone; a relative for their own resident only
    "visits:info_edit": page(MANAGERS),
    "visits:space_photo_edit": page(MANAGERS),
    "visits:day": page(STAFF),
    "visits:book": page(STAFF | RELATIVES),
    "visits:free_times": page(STAFF | RELATIVES),
    "visits:my_visits": page(RELATIVES),
    "visits:feed_new": action(RELATIVES),
    "visits:feed_stop": action(RELATIVES),
    "visits:visit_detail": page(STAFF | FAMILY, hidden=OTHER_RELATIVE),
    "visits:visit_edit": page(STAFF | FAMILY, hidden=OTHER_RELATIVE),
    "visits:visit_cancel": page(STAFF | FAMILY, hidden=OTHER_RELATIVE),
    "visits:visit_ics": page(STAFF | FAMILY, hidden=OTHER_RELATIVE),
    "visits:events": page(STAFF),
    "visits:event_add": page(STAFF),
    "visits:event_detail": page(STAFF),
    "visits:event_cancel": action(STAFF),
    "visits:event_reply": page(FAMILY, hidden=OTHER_RELATIVE),
    "visits:contributions": page(STAFF),
    "visits:contribution_review": page(STAFF),
    "visits:contribution_add": page(FAMILY, hidden=OTHER_RELATIVE),
    "visits:door_code": page(MANAGERS),
    # Only a relative the manager approved as a regular visitor (``family`` is;
    # ``family_other`` is not, and is told so with a 403).
    "visits:my_door_code": page(FAMILY),
    "visits:regular_visitors": page(MANAGERS),
    "visits:restrictions": page(MANAGERS),
    "visits:restriction_add": page(MANAGERS),
    "visits:restriction_detail": page(MANAGERS),
    "visits:restriction_review": action(MANAGERS),
    "visits:restriction_end": action(MANAGERS),
    "visits:family_links": page(STAFF),
    "visits:family_invite": page(STAFF),
    "visits:update_add": page(STAFF),
    "visits:update_photo": page(STAFF | FAMILY, hidden=OTHER_RELATIVE),
    "visits:family_link_status": page(MANAGERS),
    # --- messages
    "notifications:outbox": page(MANAGERS),
    "notifications:retry": action(MANAGERS),
    "notifications:test_message": action(MANAGERS),
    "notifications:post_list": page(STAFF),
    "notifications:mark_posted": action(STAFF),
    "notifications:settings": page(MANAGERS),
    # --- volunteers: the co-ordinator recruits and matches; staff see the rota
    "volunteers:home": page(STAFF),
    "volunteers:board": page(COORDINATORS),
    "volunteers:volunteer_add": page(COORDINATORS),
    "volunteers:volunteer_detail": page(COORDINATORS),
    "volunteers:volunteer_edit": page(COORDINATORS),
    "volunteers:volunteer_status": page(COORDINATORS),
    "volunteers:volunteer_screening": page(COORDINATORS),
    "volunteers:volunteer_availability": page(COORDINATORS),
    "volunteers:volunteer_invite": action(COORDINATORS),
    "volunteers:check_add": page(COORDINATORS),
    "volunteers:check_edit": page(COORDINATORS),
    "volunteers:reference_add": page(COORDINATORS),
    "volunteers:reference_edit": page(COORDINATORS),
    "volunteers:setup": page(COORDINATORS),
    "volunteers:role_add": page(COORDINATORS),
    "volunteers:roles_starter": action(COORDINATORS),
    "volunteers:role_edit": page(COORDINATORS),
    "volunteers:settings_edit": page(COORDINATORS),
    "volunteers:matching": page(COORDINATORS),
    "volunteers:match_resident": page(COORDINATORS),
    "volunteers:match_volunteer": page(COORDINATORS),
    "volunteers:assignment_add": page(COORDINATORS),
    "volunteers:assignment_detail": page(COORDINATORS),
    "volunteers:assignment_edit": page(COORDINATORS),
    "volunteers:assignment_end": action(COORDINATORS),
    "volunteers:rota": page(STAFF),
    "volunteers:shift_add": page(COORDINATORS),  # under the rota, but only the co-ordinator adds to it
    "volunteers:shift_detail": page(STAFF),
    "volunteers:shift_log": page(STAFF),
    "volunteers:hours": page(COORDINATORS),
    "volunteers:hours_confirm": action(COORDINATORS),
    "volunteers:drivers": page(COORDINATORS),
    "volunteers:driver_add": page(COORDINATORS),
    "volunteers:driver_find": page(STAFF),
    "volunteers:driver_edit": page(COORDINATORS),
    "volunteers:driver_availability": page(COORDINATORS),
    "volunteers:expiring": page(COORDINATORS),
    "volunteers:training": page(COORDINATORS),
    "volunteers:training_add": page(COORDINATORS),
    "volunteers:training_edit": page(COORDINATORS),
    # The volunteer's own portal: their shifts and the residents they visit, no one else's.
    "volunteers:portal": page(VOLUNTEERS),
    "volunteers:portal_shift": page(VOLUNTEER, hidden=UNASSIGNED),
    "volunteers:portal_shift_reply": action(VOLUNTEER, hidden=UNASSIGNED),
    "volunteers:portal_log": page(VOLUNTEER, hidden=UNASSIGNED),
    "volunteers:portal_resident": page(VOLUNTEER, hidden=UNASSIGNED),
    "volunteers:portal_availability": page(VOLUNTEERS),
    "volunteers:portal_hours": page(VOLUNTEERS),
    # --- community: connectors see and change partners and places and see the
    # programme (its pages name no resident to them); planning and stories are staff's.
    "community:partners": page(STAFF | CONNECTORS),
    "community:partner_add": page(STAFF | CONNECTORS),
    "community:partnership_add": page(STAFF | CONNECTORS),
    "community:partner": page(STAFF | CONNECTORS),
    "community:partner_edit": page(STAFF | CONNECTORS),
    "community:partner_contact_add": page(STAFF | CONNECTORS),
    "community:place_add": page(STAFF | CONNECTORS),
    "community:place_edit": page(STAFF | CONNECTORS),
    "community:local_area": page(STAFF | CONNECTORS),
    "community:programme": page(STAFF | CONNECTORS),
    "community:programme_month": page(STAFF | CONNECTORS),
    "community:activity": page(STAFF | CONNECTORS),
    "community:occurrence": page(STAFF | CONNECTORS),
    "community:poster": page(STAFF | CONNECTORS),
    "community:programme_ics": page(STAFF | CONNECTORS),
    "community:activity_add": page(STAFF),
    "community:activity_edit": page(STAFF),
    "community:activity_end": page(STAFF),
    "community:occurrence_edit": page(STAFF),
    "community:occurrence_cancel": page(STAFF),
    "community:risk_assessment": page(STAFF),
    "community:risk_approve": page(COORDINATORS),
    "community:occurrence_driver": page(STAFF),
    "community:occurrence_confirm": page(STAFF),
    "community:occurrence_invite": page(STAFF),
    "community:occurrence_families": page(STAFF),
    "community:occurrence_attendance": page(STAFF),
    "community:my_week_choose": page(STAFF),
    "community:my_week": page(STAFF),
    "community:stories": page(STAFF),
    "community:story_add": page(STAFF),
    "community:story": page(STAFF),
    "community:story_edit": page(STAFF),
    "community:photo_add": page(STAFF),
    "community:photo_edit": page(STAFF),
    "community:photo_delete": page(STAFF),
    # A story photo of Peggy, who agreed to photos shared with the home's families:
    # so any relative of the home may see it (never a volunteer or a connector).
    "community:photo_image": page(STAFF | RELATIVES, anonymous=NOT_FOUND),
    "community:family_stories": page(RELATIVES),
    "community:settings": page(MANAGERS),
    # --- evaluation: figures for the co-ordinator, and a connector where the home shares them
    "evaluation:dashboard": page(COORDINATORS | SHARING_CONNECTOR),
    "evaluation:sharing": page(MANAGERS),
    "evaluation:evaluations": page(COORDINATORS),
    "evaluation:start": page(COORDINATORS),
    "evaluation:detail": page(COORDINATORS),
    "evaluation:evidence_add": page(COORDINATORS),
    "evaluation:complete": page(MANAGERS),
    "evaluation:pack": page(MANAGERS),
    "evaluation:rating_edit": page(COORDINATORS),
    "evaluation:plan": page(COORDINATORS),
    "evaluation:action_add": page(COORDINATORS),
    "evaluation:action_edit": page(COORDINATORS),
    # Requests for personal data: only those who manage the home.
    "privacy:requests": page(MANAGERS),
    "privacy:request_new": page(MANAGERS),
    "privacy:request": page(MANAGERS),
    "privacy:export_pdf": page(MANAGERS),
    "privacy:export_json": page(MANAGERS),
    # Keeping records of people who left: the home's managers; the periods, the organisation admin.
    "privacy:retention": page(MANAGERS),
    "privacy:retention_hold": page(MANAGERS),
    "privacy:retention_anonymise": page(MANAGERS),
    "privacy:retention_release": page(MANAGERS),
    "privacy:retention_policy": page({"org_admin"}),
}


# The admin site (namespace "admin"), one rule for all its pages: only its own
# users come in. Everyone else is sent to sign in; its sign-out address sends
# them to its front page (which sends them to sign in). What each admin-site
# user may do there is Django's model permissions, not this table: for them its
# front page opens, and no page may fail.
ADMIN_NAMESPACE = "admin:"


def _admin(name, actor, method):
    if actor == SITE_ADMIN:
        return ALLOW if (name, method) == ("admin:index", "get") else ANY
    return ALLOW if name == "admin:logout" else LOGIN


def expected(name, actor, method):
    """The table's answer for ``actor`` asking for the URL named ``name`` with ``method``."""
    if name.startswith(ADMIN_NAMESPACE):
        return _admin(name, actor, method)
    row = TABLE[name]
    return (row.get if method == "get" else row.post)[actor]
