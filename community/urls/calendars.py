"""Pages of the area "calendars" (namespace ``community``)."""

urlpatterns = []
