from axes.utils import reset


def axes_username(request, credentials):
    """The name django-axes counts failed sign-ins under: the email as typed
    in the form's ``username`` field, case-folded like the sign-in itself."""
    data = credentials or getattr(request, "POST", {})
    return (data.get("username") or "").strip().lower() or None


def sign_in_pause_end(*, user):
    """A completed password reset ends any pause on signing in to ``user``'s
    account, from every address: the pause page tells people to reset their
    password, so the new one must work at once."""
    return reset(username=axes_username(None, {"username": user.email}))
