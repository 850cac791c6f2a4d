"""Pages of self-evaluation (namespace ``evaluation``), under /h/<home_slug>/evaluation/:
the outcomes dashboard, the self-evaluations and the improvement plan."""

from django.urls import path

from evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("", views.outcomes, name="dashboard"),
    path("sharing/", views.sharing, name="sharing"),
    path("self-evaluations/", views.evaluations, name="evaluations"),
    path("self-evaluations/start/", views.evaluation_start, name="start"),
    path("self-evaluations/<int:pk>/", views.evaluation_detail, name="detail"),
    path("self-evaluations/<int:pk>/evidence/", views.evidence_add, name="evidence_add"),
    path("self-evaluations/<int:pk>/complete/", views.evaluation_complete, name="complete"),
    path("self-evaluations/<int:pk>/pack/", views.evaluation_pack, name="pack"),
    path("ratings/<int:pk>/", views.rating_edit, name="rating_edit"),
    path("plan/", views.plan, name="plan"),
    path("plan/add/", views.action_add, name="action_add"),
    path("plan/<int:pk>/", views.action_edit, name="action_edit"),
]
