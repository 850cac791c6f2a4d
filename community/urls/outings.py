"""Pages of the area "outings" (namespace ``community``)."""

urlpatterns = []
