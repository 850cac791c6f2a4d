"""Pages of the area "partners" (namespace ``community``): partners, places
and the local area."""

from django.urls import path

from community.views import partners, places

urlpatterns = [
    path("partners/", partners.partners, name="partners"),
    path("partners/add/", partners.partner_add, name="partner_add"),
    path("partners/directory/<int:partner_pk>/start/", partners.partnership_add, name="partnership_add"),
    path("partners/<int:pk>/", partners.partner, name="partner"),
    path("partners/<int:pk>/edit/", partners.partner_edit, name="partner_edit"),
    path("partners/<int:pk>/contact/", partners.partner_contact_add, name="partner_contact_add"),
    path("places/add/", places.place_add, name="place_add"),
    path("places/<int:pk>/edit/", places.place_edit, name="place_edit"),
    path("local/", places.local_area, name="local_area"),
]
