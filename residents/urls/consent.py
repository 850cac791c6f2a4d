from django.urls import path

from residents.views import consent

urlpatterns = [
    path("<int:pk>/consent/", consent.consent, name="consent"),
    path("<int:pk>/consent/give/", consent.consent_give_view, name="consent_give"),
    path(
        "<int:pk>/consent/<int:consent_pk>/withdraw/", consent.consent_withdraw_view, name="consent_withdraw"
    ),
]
