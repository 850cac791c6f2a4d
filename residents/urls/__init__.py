"""All residents pages, namespace ``residents``, under /h/<home_slug>/residents/.

Each area keeps its own patterns in a module here, so work on one area does
not touch another's routes.
"""

from residents.urls import connections, consent, coproduction, family, peers, plans, residents, wellbeing

app_name = "residents"

urlpatterns = [
    *family.urlpatterns,
    *connections.urlpatterns,
    *coproduction.urlpatterns,
    *peers.urlpatterns,
    *wellbeing.urlpatterns,
    *consent.urlpatterns,
    *plans.urlpatterns,
    *residents.urlpatterns,
]
