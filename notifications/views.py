"""The messages pages: the manager's outbox, letters for staff to post, a
home's quiet hours, a person's contact choices, and the "stop" link."""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from carehome.errors import DomainError
from homes.decorators import home_permission
from homes.fragments import deferred
from notifications import selectors, services, tokens
from notifications.forms import ContactChoicesForm, QuietHoursForm
from notifications.models import Channel, ContactPreference, Reminder
from notifications.timing import holds_daytime, quiet_hours, quiet_hours_in_words

logger = logging.getLogger(__name__)


# --- The manager's outbox ------------------------------------------------------


@home_permission("messages.manage")
def outbox(request, home_slug):
    quiet_from, quiet_until = quiet_hours(request.home)
    # Made only when the page is rendered, not when it is served from the cache.
    page = deferred(
        lambda: selectors.outbox_page(request.home, page=request.GET.get("page")),
        *selectors.OUTBOX_PAGE_NAMES,
    )
    return render(
        request,
        "notifications/outbox.html",
        {
            **page,
            "quiet_from": quiet_from,
            "quiet_until": quiet_until,
            "rows_shown": selectors.OUTBOX_ROWS,
        },
    )


@require_POST
@home_permission("messages.manage")
def retry(request, home_slug, pk):
    try:
        services.reminder_retry(home=request.home, actor=request.user, reminder_id=pk)
    except Reminder.DoesNotExist:
        raise Http404 from None
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "We'll try again now.")
    return redirect("notifications:outbox", home_slug=home_slug)


@require_POST
@home_permission("messages.manage")
def test_message(request, home_slug):
    services.test_message_send(home=request.home, actor=request.user)
    messages.success(
        request,
        f"A test message is on its way to you ({request.user.email}, and your mobile if you chose text "
        "messages). It should arrive within a few minutes; if it does not, it will show below.",
    )
    return redirect("notifications:outbox", home_slug=home_slug)


# --- Letters to post -----------------------------------------------------------


@home_permission("messages.post")
def post_list(request, home_slug):
    letters, total = selectors.letters_to_post(request.home)
    return render(
        request,
        "notifications/post_list.html",
        {"letters": letters, "total": total, "shown": len(letters)},
    )


@require_POST
@home_permission("messages.post")
def mark_posted(request, home_slug, pk):
    try:
        letter = services.reminder_mark_posted(home=request.home, actor=request.user, reminder_id=pk)
    except Reminder.DoesNotExist:
        raise Http404 from None
    except DomainError as error:
        messages.error(request, error.message)
    else:
        name = letter.user.full_name if letter.user_id else "them"
        messages.success(request, f"Marked as posted: the letter to {name}.")
    return redirect("notifications:post_list", home_slug=home_slug)


# --- Quiet hours -----------------------------------------------------------------


@home_permission("home.settings")
def message_settings(request, home_slug):
    quiet_from, quiet_until = quiet_hours(request.home)
    initial = {"quiet_from": quiet_from, "quiet_until": quiet_until}
    form = QuietHoursForm(request.POST or None, initial=initial)
    typed = initial  # the hours to ask about: the saved ones, or those just typed
    if request.method == "POST" and form.is_valid():
        typed = dict(form.cleaned_data)
        try:
            services.message_settings_update(home=request.home, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, "Saved. Text messages will wait for the end of the new quiet hours.")
            return redirect("notifications:settings", home_slug=home_slug)
    context = {
        "form": form,
        "saved_in_words": quiet_hours_in_words(quiet_from, quiet_until),
        "asks_daytime_confirmation": holds_daytime(typed["quiet_from"], typed["quiet_until"]),
    }
    return render(request, "notifications/settings.html", context)


# --- A person's own choices ----------------------------------------------------


def _initial_choices(user):
    preference = ContactPreference.objects.filter(user=user).first()
    if preference is None:
        return {"channels": [Channel.EMAIL], "reminders": True}, None
    return {
        "channels": [str(channel) for channel in preference.channels],
        "phone": services.display_phone(preference.phone),
        "postal_address": preference.postal_address,
        "reminders": not preference.reminders_off,
    }, preference


@login_required
def preferences(request):
    initial, preference = _initial_choices(request.user)
    form = ContactChoicesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.preference_update(user=request.user, **form.service_kwargs())
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, "Saved. We will contact you the way you chose.")
            return redirect("message_preferences")
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "preference": preference, "essential_kinds": selectors.essential_kinds()},
    )


# --- The "stop" link in every message ------------------------------------------


def mask_email(address):
    """``linda@example.org`` → ``l•••@example.org``: enough to recognise, not to harvest."""
    local, _, domain = (address or "").partition("@")
    if not domain:
        return "•••"
    return f"{local[:1]}•••@{domain}"


def _stop_problem(request, problem, status=400):
    return render(request, "notifications/stop_problem.html", {"problem": problem}, status=status)


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def stop(request, token):
    """No login. Mail providers POST ``List-Unsubscribe=One-Click`` here with no
    CSRF token (RFC 8058), so the view is exempt: the signed token is the proof."""
    try:
        subject = tokens.read_token(token)
    except tokens.ExpiredToken:
        return _stop_problem(request, "expired")
    except tokens.BadToken:
        return _stop_problem(request, "invalid")

    if "u" in subject:
        from accounts.models import User  # noqa: PLC0415

        user = User.objects.filter(pk=subject["u"]).only("email").first()
        if user is None:
            return _stop_problem(request, "gone")
        address = user.email
        preference = ContactPreference.objects.filter(user=user).first()
    else:
        address = subject["e"]
        preference = ContactPreference.objects.filter(email_address=address.strip().lower()).first()

    state = "ask"
    if request.method == "POST":
        try:
            if request.POST.get("action") == "restart":
                preference = services.reminders_restart(subject=subject)
                state = "restarted"
            else:
                preference = services.reminders_stop(subject=subject)
                state = "stopped"
        except DomainError:
            return _stop_problem(request, "gone")
    elif preference is not None and preference.reminders_off:
        state = "already"
    return render(
        request,
        "notifications/stop.html",
        {
            "state": state,
            "masked": mask_email(address),
            "essential_kinds": selectors.essential_kinds(),
            "has_account": "u" in subject,
        },
    )
