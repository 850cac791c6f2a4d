"""What else follows when a consent is withdrawn, or recorded again.

The register is read at the moment of use, so a withdrawn consent stops new
uses everywhere at once. Some apps have already planned a use (a volunteer's
visit next Tuesday): they register hooks from their ``AppConfig.ready()``
to take it off when consent is withdrawn, and to put it back when it is
recorded again::

    register_withdrawal_hook(visits_off_the_rota)
    register_given_hook(visits_back_on_the_rota)

``hook(*, home, actor, consent)`` runs inside the transaction that records
the change (``residents.services.consent``), so it happens with it or not
at all.
"""

_WITHDRAWN = []
_GIVEN = []


def register_withdrawal_hook(hook):
    if hook not in _WITHDRAWN:
        _WITHDRAWN.append(hook)


def register_given_hook(hook):
    if hook not in _GIVEN:
        _GIVEN.append(hook)


def consent_withdrawn(*, home, actor, consent):
    for hook in _WITHDRAWN:
        hook(home=home, actor=actor, consent=consent)


def consent_given(*, home, actor, consent):
    for hook in _GIVEN:
        hook(home=home, actor=actor, consent=consent)
