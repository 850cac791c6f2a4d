"""Pages of the area "checks" (namespace ``volunteers``)."""

urlpatterns = []
