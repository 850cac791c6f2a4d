from django.urls import path

from visits.views import contributions, events

urlpatterns = [
    path("events/", events.events, name="events"),
    path("events/new/", events.event_add, name="event_add"),
    path("events/<int:pk>/", events.event_detail, name="event_detail"),
    path("events/<int:pk>/cancel/", events.event_cancel_view, name="event_cancel"),
    path("invitations/<int:pk>/", events.event_reply_view, name="event_reply"),
    path("suggestions/", contributions.contributions, name="contributions"),
    path("suggestions/<int:pk>/", contributions.contribution_review, name="contribution_review"),
    path("residents/<int:pk>/suggest/", contributions.contribution_add, name="contribution_add"),
]
