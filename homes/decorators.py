def home_permission(perm):
    """Declare the permission a function view under ``/h/<home_slug>/`` needs.

    The check itself happens in ``HomeScopeMiddleware``.
    """

    def decorate(view_func):
        view_func.kith_permission = perm
        return view_func

    return decorate
