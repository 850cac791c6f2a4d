"""The public programme of a home that publishes it: no sign-in (namespace ``programme``)."""

app_name = "programme"

urlpatterns = []
