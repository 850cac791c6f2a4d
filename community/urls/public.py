"""The public programme of a home that publishes it, and its photos with
public consent: no sign-in (namespace ``programme``)."""

from community.urls import public_photos

app_name = "programme"

urlpatterns = [
    *public_photos.urlpatterns,
]
