from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.requests_list, name="requests"),
    path("new/", views.request_new, name="request_new"),
    path("<int:pk>/", views.request_detail, name="request"),
    path("<int:pk>/export.pdf", views.request_export, {"fmt": "pdf"}, name="export_pdf"),
    path("<int:pk>/export.json", views.request_export, {"fmt": "json"}, name="export_json"),
]
