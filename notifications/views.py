"""Placeholder views: the messages UI fills these in."""

from django.http import HttpResponse

from homes.decorators import home_permission


@home_permission("messages.manage")
def outbox(request, home_slug):
    return HttpResponse("outbox")


@home_permission("messages.manage")
def retry(request, home_slug, pk):
    return HttpResponse("retry")


@home_permission("messages.post")
def post_list(request, home_slug):
    return HttpResponse("post")


@home_permission("messages.post")
def mark_posted(request, home_slug, pk):
    return HttpResponse("posted")


@home_permission("home.settings")
def message_settings(request, home_slug):
    return HttpResponse("settings")


def preferences(request):
    return HttpResponse("preferences")


def stop(request, token):
    return HttpResponse("stop")
