def home_permission(perm):
    """Declare the permission a function view under ``/h/<home_slug>/`` needs.

    The check itself happens in ``HomeScopeMiddleware``.
    """

    def decorate(view_func):
        view_func.kith_permission = perm
        return view_func

    return decorate


def not_found_without_session(view_func):
    """A home page that answers 404, not a sign-in page, to someone not signed
    in: a picture's address, which must not even hint that it exists."""
    view_func.kith_anonymous_404 = True
    return view_func
