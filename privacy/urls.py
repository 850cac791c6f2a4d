from django.urls import path

from privacy import views, views_retention

app_name = "privacy"

urlpatterns = [
    path("requests/", views.requests_list, name="requests"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/export.pdf", views.request_export, {"fmt": "pdf"}, name="export_pdf"),
    path("requests/<int:pk>/export.json", views.request_export, {"fmt": "json"}, name="export_json"),
    path("retention/", views_retention.retention_view, name="retention"),
    path("retention/policy/", views_retention.policy, name="retention_policy"),
    path("retention/<str:kind>/<int:pk>/hold/", views_retention.hold, name="retention_hold"),
    path(
        "retention/<str:kind>/<int:pk>/anonymise/", views_retention.anonymise_now, name="retention_anonymise"
    ),
    path("retention/holds/<int:pk>/release/", views_retention.release, name="retention_release"),
]
