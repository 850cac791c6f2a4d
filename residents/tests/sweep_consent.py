"""How the URL sweep fills the ids of the consent register's pages (see tests/urls_sweep.py),
and its create form for tests/test_saves_once.py."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from residents.models import Consent, ConsentGivenBy, ConsentPurpose


def _resident(w, own):
    return {"pk": (w.resident if own else w.foreign_resident).pk}


def _consent(w, own):
    # Arthur (not Peggy, whose consents the stories sweep records) or another home's resident.
    resident = w.unlinked_resident if own else w.foreign_resident
    consent = Consent.objects.filter(resident=resident, withdrawn_at__isnull=True).first()
    consent = consent or Consent.objects.create(
        home=resident.home,
        resident=resident,
        purpose=ConsentPurpose.PHOTOS_PUBLIC,
        given_by=ConsentGivenBy.RESIDENT,
        given_on=timezone.localdate() - timedelta(days=30),
    )
    return {"pk": resident.pk, "consent_pk": consent.pk}


OBJECT_KWARGS = {
    "residents:consent": _resident,
    "residents:consent_give": _resident,
    "residents:consent_withdraw": _consent,
}

CREATE_VIEWS = {
    "residents:consent_give": lambda w: (
        w.manager,
        reverse("residents:consent_give", args=[w.home.slug, w.resident.pk]),
    ),
}
