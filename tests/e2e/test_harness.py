"""The page checks can fail: axe-core reports a violation, and a
Content-Security-Policy refusal or a script error fails the journey."""

import pytest


def test_check_a11y_fails_on_a_violation(journey, check_a11y):
    page = journey.page
    journey.visit("/login/", "sign-in page")
    page.evaluate(
        """() => {
            const img = document.createElement("img");
            img.src = "/static/img/kith.svg";
            img.className = "planted-by-test";
            document.querySelector("main").append(img);
        }"""
    )
    with pytest.raises(pytest.fail.Exception) as failure:
        check_a11y(page, "with a planted image")
    report = str(failure.value)
    assert "image-alt [critical]" in report
    assert "target: img" in report
    assert '<img src="/static/img/kith.svg" class="planted-by-test">' in report


def test_a_csp_refusal_or_a_script_error_fails_the_journey(journey):
    page = journey.page
    journey.visit("/login/", "sign-in page")
    page.evaluate(
        """() => {
            const style = document.createElement("style");
            style.textContent = "body { color: red; }";
            document.head.append(style);
            setTimeout(() => { throw new Error("planted by the test"); });
        }"""
    )
    page.wait_for_timeout(100)
    with pytest.raises(pytest.fail.Exception) as failure:
        journey.assert_no_browser_errors("after planting")
    report = str(failure.value)
    assert "Content Security Policy" in report
    assert "uncaught exception: planted by the test" in report


def test_a_permissions_policy_chromium_cannot_read_fails_the_journey(journey, settings):
    """Chromium only warns of a feature it does not know ("bluetooth" is not
    one in Debian's build), so the journeys look for that warning."""
    settings.PERMISSIONS_POLICY = {**settings.PERMISSIONS_POLICY, "bluetooth": []}
    journey.page.goto(journey.live_server.url + "/login/")
    with pytest.raises(pytest.fail.Exception) as failure:
        journey.assert_no_browser_errors("with an unknown feature")
    assert "Unrecognized feature: 'bluetooth'" in str(failure.value)
