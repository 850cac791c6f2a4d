"""Pages of the area "stories" (namespace ``community``)."""

from django.urls import path

from community.views import stories

urlpatterns = [
    path("stories/", stories.stories, name="stories"),
    path("stories/add/", stories.story_add, name="story_add"),
    path("stories/<int:pk>/", stories.story, name="story"),
    path("stories/<int:pk>/edit/", stories.story_edit, name="story_edit"),
    path("stories/<int:pk>/photos/add/", stories.photo_add, name="photo_add"),
    path("photos/<int:pk>/edit/", stories.photo_edit, name="photo_edit"),
    path("photos/<int:pk>/delete/", stories.photo_delete, name="photo_delete"),
    path("photos/<int:pk>/image/", stories.photo_image, name="photo_image"),
    path("news/", stories.family_stories, name="family_stories"),
]
