"""Pages of the area "settings" (namespace ``community``)."""

urlpatterns = []
