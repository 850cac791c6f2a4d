"""The organisation's pages (namespace ``organisation``), outside any one
home: /org/<org_slug>/outcomes/, every home side by side."""

from django.urls import path

from evaluation import views

app_name = "organisation"

urlpatterns = [
    path("org/<slug:org_slug>/outcomes/", views.organisation_dashboard, name="dashboard"),
]
