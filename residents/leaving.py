"""What else follows when a resident moves out or dies.

Residents imports none of the apps built on it, so an app with arrangements
about a resident (volunteers' regular visits, say) registers a hook from its
``AppConfig.ready()``::

    register_leaving_hook(visits_end_for_resident)

``hook(*, home, actor, resident, left_on)`` runs inside the transaction that
records the leaving (``residents.services.residents.resident_leave``), so it
happens with it or not at all.
"""

_HOOKS = []


def register_leaving_hook(hook):
    if hook not in _HOOKS:
        _HOOKS.append(hook)


def resident_left(*, home, actor, resident, left_on):
    for hook in _HOOKS:
        hook(home=home, actor=actor, resident=resident, left_on=left_on)
