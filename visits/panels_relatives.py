"""The relative's "My relatives" page, under each person: news from the home,
their next visits and invitations, and quick ways to book and to tell the home
about them (residents.family_home)."""

from residents.family_home import RelativeSection, register_relative_section
from visits.selectors.relatives import relatives_home


def _load(request, residents):
    membership = request.membership
    found, general, call_kind = relatives_home(request.home, membership, residents)
    can_book = membership.has_perm("visits.book_own")
    can_suggest = membership.has_perm("contributions.suggest")
    each = {
        pk: {"home_data": data, "can_book": can_book, "can_suggest": can_suggest, "call_kind": call_kind}
        for pk, data in found.items()
    }
    return each, ({"invitations": general} if general else None)


register_relative_section(RelativeSection("visits", "visits/family/relative.html", _load, order=10))
