"""Pages of the area "partners" (namespace ``community``)."""

urlpatterns = []
