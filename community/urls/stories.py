"""Pages of the area "stories" (namespace ``community``)."""

urlpatterns = []
