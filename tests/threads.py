"""Threads in tests run as the app runs the same work: inside a scope.

A new thread starts with no tenant scope (context variables are not
inherited), so a service called in one would meet the guard's "outside a home
scope" error. ``scoped_thread`` opens the home's scope, as the request
middleware does; ``crossing_thread`` crosses homes, as the sweeper does."""

import threading

from homes.scoping import crossing_homes, home_scope


def scoped_thread(home, target, *args):
    def run():
        with home_scope(home):
            target(*args)

    return threading.Thread(target=run)


def crossing_thread(reason, target, *args):
    def run():
        with crossing_homes(reason):
            target(*args)

    return threading.Thread(target=run)
