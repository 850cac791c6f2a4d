def axes_username(request, credentials):
    """The name django-axes counts failed sign-ins under: the email as typed
    in the form's ``username`` field, case-folded like the sign-in itself."""
    data = credentials or getattr(request, "POST", {})
    return (data.get("username") or "").strip().lower() or None
