"""Pages anyone may open without signing in (namespace ``visiting``)."""

app_name = "visiting"

urlpatterns = []
