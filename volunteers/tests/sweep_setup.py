"""The create form of the area "setup" for tests/test_saves_once.py (the URL
sweep's ids are the generic ones in ``sweep_contract``)."""

from django.urls import reverse

CREATE_VIEWS = {
    "volunteers:role_add": lambda w: (w.manager, reverse("volunteers:role_add", args=[w.home.slug])),
}
