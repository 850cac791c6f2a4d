from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from carehome import views
from homes import views as home_views

urlpatterns = [
    path("", home_views.start, name="start"),
    path("homes/", home_views.choose, name="choose_home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon),
    path("", include("accounts.urls")),
    path("h/<slug:home_slug>/", include("homes.urls")),
    path("h/<slug:home_slug>/residents/", include("residents.urls")),
    path("h/<slug:home_slug>/visits/", include("visits.urls")),
    path("h/<slug:home_slug>/messages/", include("notifications.urls")),
    path("h/<slug:home_slug>/", include("volunteers.urls")),
    path("h/<slug:home_slug>/", include("community.urls")),
    path("h/<slug:home_slug>/evaluation/", include("evaluation.urls")),
    path("h/<slug:home_slug>/privacy/", include("privacy.urls")),
    path("", include("visits.urls.public", namespace="visiting")),
    path("", include("notifications.urls_public")),
    path("", include("volunteers.urls.public", namespace="volunteer_with_us")),
    path("", include("community.urls.public", namespace="programme")),
    path("", include("evaluation.urls_org")),
    # One way to sign in, with its limits and two-step verification: the
    # admin site's own sign-in page sends people to it.
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("admin/", admin.site.urls),
]

# The page benchmark's baseline view (make bench): only with KITH_BENCH on.
if settings.KITH_BENCH:
    urlpatterns += [path("bench/", include("carehome.bench"))]

handler400 = "carehome.views.bad_request"
handler403 = "carehome.views.permission_denied"
handler404 = "carehome.views.page_not_found"
handler500 = "carehome.views.server_error"
