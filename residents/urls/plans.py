from django.urls import path

from residents.views import plans

urlpatterns = [
    path("<int:pk>/plan/", plans.plan, name="plan"),
    path("<int:pk>/plan/edit/<slug:section>/", plans.plan_edit, name="plan_edit"),
    path("<int:pk>/plan/people/add/", plans.person_add, name="person_add"),
    path("<int:pk>/plan/people/<int:person_pk>/", plans.person_edit, name="person_edit"),
    path("<int:pk>/plan/review/", plans.plan_review, name="plan_review"),
]
