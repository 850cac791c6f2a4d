from django.urls import path

from residents.views import coproduction

urlpatterns = [
    path("coproduction/", coproduction.coproduction_list, name="coproduction_list"),
    path("coproduction/add/", coproduction.coproduction_add, name="coproduction_add"),
    path("coproduction/<int:pk>/", coproduction.coproduction_detail, name="coproduction_detail"),
    path("coproduction/<int:pk>/edit/", coproduction.coproduction_edit, name="coproduction_edit"),
    path("coproduction/<int:pk>/ideas/add/", coproduction.idea_add, name="idea_add"),
    path("coproduction/ideas/<int:pk>/status/", coproduction.idea_status, name="idea_status"),
]
