"""For the page benchmark only (``make bench``, ``bench/pages.py``), loaded
when the setting ``KITH_BENCH`` is on (environment variable ``KITH_BENCH=1``),
never in production.

- ``/bench/baseline/``: the yardstick every page is compared with. Signed in
  (the session and the user are loaded), through the whole middleware, one
  trivial query, a tiny response: what any signed-in page costs before it
  does any work of its own.
- ``QueryCountMiddleware`` (first in ``MIDDLEWARE``): the number of database
  queries a request made, session and sign-in included, in the response
  header ``X-Kith-Queries``.
"""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse
from django.urls import path

from homes.models import Home

QUERIES_HEADER = "X-Kith-Queries"


@login_required
def baseline(request):
    """Signed in, one query (the home table is tiny), a few bytes back."""
    Home.objects.order_by().exists()
    return HttpResponse(b"ok\n", content_type="text/plain")


class QueryCountMiddleware:
    """Counts every query the request makes on the default database, whichever
    middleware or view makes it, and says how many in ``X-Kith-Queries``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counted(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counted):
            response = self.get_response(request)
        response[QUERIES_HEADER] = str(count)
        return response


app_name = "bench"

urlpatterns = [
    path("baseline/", baseline, name="baseline"),
]
