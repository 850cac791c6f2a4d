"""Pages of the area "programme" (namespace ``community``)."""

urlpatterns = []
