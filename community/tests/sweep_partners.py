"""How the URL sweep fills the ids of the partners area's pages
(tests/urls_sweep.py), and its create forms for tests/test_saves_once.py."""

from django.urls import reverse

from community.tests.factories import PartnerFactory, PartnershipFactory, PlaceFactory
from community.tests.sweep_contract import home_of


def _partnership(w, own):
    return {"pk": PartnershipFactory(home=home_of(w, own)).pk}


def _place(w, own):
    return {"pk": PlaceFactory(home=home_of(w, own)).pk}


def _directory_partner(w, own):
    """A partner in the home's organisation's directory the home does not work
    with yet; or one of another organisation's directory."""
    return {"partner_pk": PartnerFactory(organisation=home_of(w, own).organisation).pk}


def _start_page(w):
    partner = PartnerFactory(organisation=w.home.organisation)
    return w.manager, reverse("community:partnership_add", args=[w.home.slug, partner.pk])


def _contact_page(w):
    partnership = PartnershipFactory(home=w.home)
    return w.manager, reverse("community:partner_contact_add", args=[w.home.slug, partnership.pk])


OBJECT_KWARGS = {
    "community:partner": _partnership,
    "community:partner_edit": _partnership,
    "community:partner_contact_add": _partnership,
    "community:place_edit": _place,
    "community:partnership_add": _directory_partner,
}

CREATE_VIEWS = {
    "community:partner_add": lambda w: (w.manager, reverse("community:partner_add", args=[w.home.slug])),
    "community:place_add": lambda w: (w.manager, reverse("community:place_add", args=[w.home.slug])),
    "community:partnership_add": _start_page,
    "community:partner_contact_add": _contact_page,
}
