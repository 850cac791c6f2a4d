"""Every page fits every screen (tests/e2e/widths.py), for: several homes, family."""

import pytest

from tests.e2e.widths import ROLE_GROUPS, sweep, width_world  # noqa: F401 - width_world: the fixture


@pytest.mark.parametrize("role", ROLE_GROUPS["several_homes"])
def test_every_page_fits_every_width(browser, live_server, width_world, role):  # noqa: F811
    sweep(browser, live_server, width_world, role)
