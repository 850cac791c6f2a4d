"""Pages of the area "recruitment" (namespace ``volunteers``)."""

from django.urls import path

from volunteers.views import stubs

urlpatterns = [path("", stubs.home, name="home"), path("board/", stubs.board, name="board")]
