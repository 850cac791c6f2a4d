"""Every page fits every screen (tests/e2e/widths.py), for: champion, volunteer, connector."""

import pytest

from tests.e2e.widths import ROLE_GROUPS, sweep, width_world  # noqa: F401 - width_world: the fixture


@pytest.mark.parametrize("role", ROLE_GROUPS["others"])
def test_every_page_fits_every_width(browser, live_server, width_world, role):  # noqa: F811
    sweep(browser, live_server, width_world, role)


def test_the_width_files_sweep_every_role_once():
    from tests.e2e.widths import ROLES

    swept = [role for group in ROLE_GROUPS.values() for role in group]
    assert sorted(swept) == sorted(ROLES)
