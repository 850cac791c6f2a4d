"""Pages of the area "checks" (namespace ``volunteers``): a volunteer's
background checks (PVG or DBS) and references."""

from django.urls import path

from volunteers.views import checks

urlpatterns = [
    path("<int:pk>/checks/add/", checks.check_add, name="check_add"),
    path("<int:pk>/checks/<int:check_pk>/", checks.check_edit, name="check_edit"),
    path("<int:pk>/references/add/", checks.reference_add, name="reference_add"),
    path("<int:pk>/references/<int:reference_pk>/", checks.reference_edit, name="reference_edit"),
]
