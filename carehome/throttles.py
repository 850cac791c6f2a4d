"""Limits where abuse is cheap: password-reset emails, guessing passwords
across many accounts from one address, invitation re-sends, door-code
changes (each emails every approved visitor: visits.services.access holds
those emails back rather than the change) and the forms anyone may post.

Each limit is a count in the cache (django-ratelimit's fixed windows: Redis
when REDIS_URL is set, so every web process shares it) under a key the view
chooses: the address typed, the client's address, the invitation, the home.
The person over a limit is told plainly, with the time they can try again;
nothing locks them out for longer than the window. If the cache cannot be
reached, the request goes through: a limit is never the reason something
real is lost.
"""

import ipaddress
import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.template.defaultfilters import time as time_filter
from django.utils import timezone
from django_ratelimit.core import get_usage
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def client_address(request):
    """The client's address as the sign-in lockout reads it (behind a proxy
    too); for IPv6 its /64 network, which one household or device holds whole."""
    from carehome.sessions import request_address  # noqa: PLC0415 - it imports the session models

    address = request_address(request)
    if address is None:
        return "unknown"
    parsed = ipaddress.ip_address(address)
    if parsed.version == 6:
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


@dataclass(frozen=True)
class Throttle:
    """``group`` names the count; ``setting`` the setting holding its rate ("5/h")."""

    group: str
    setting: str

    @property
    def rate(self):
        return getattr(settings, self.setting)

    def _usage(self, request, key, *, increment):
        try:
            return get_usage(
                request,
                group=self.group,
                key=lambda group, request: str(key),
                rate=self.rate,
                increment=increment,
            )
        except RedisError:
            logger.warning("%s: not limited, the cache is unreachable", self.group)
            return None

    def used_up(self, request, key):
        """True when the limit is reached already (counting nothing): for
        limits counted only when something happened (a failed sign-in, a
        changed code), checked before trying."""
        usage = self._usage(request, key, increment=False)
        return bool(usage and usage["count"] >= usage["limit"])

    def count(self, request, key):
        """Count one for ``key``."""
        self._usage(request, key, increment=True)

    def over(self, request, key):
        """Count this attempt; True when it goes over the limit."""
        usage = self._usage(request, key, increment=True)
        return bool(usage and usage["should_limit"])

    def try_again_at(self, request, key):
        """When the window ends, as "10:45" in the home's time (the site's time zone)."""
        usage = self._usage(request, key, increment=False)
        seconds = max(usage["time_left"], 1) if usage else 60
        return time_filter(timezone.localtime(timezone.now() + timedelta(seconds=seconds)), "H:i")


# Password-reset emails to one typed address, and reset requests from one client.
PASSWORD_RESET_EMAIL = Throttle("password-reset-email", "PASSWORD_RESET_EMAIL_RATE")
PASSWORD_RESET_CLIENT = Throttle("password-reset-client", "PASSWORD_RESET_CLIENT_RATE")
# Failed sign-ins from one client across all accounts (password spraying); the
# lockout per account and address is django-axes'.
SIGN_IN_FAILURES_CLIENT = Throttle("sign-in-failures-client", "SIGN_IN_FAILURES_CLIENT_RATE")
# New invitation links sent for one invitation.
INVITATION_RESEND = Throttle("invitation-resend", "INVITATION_RESEND_RATE")
# "Volunteer with us" applications from one client (volunteers' public pages).
VOLUNTEER_APPLY = Throttle("volunteer-with-us", "VOLUNTEER_APPLY_RATE")
# Forms posted with a link's token (accepting an invitation, choosing a new
# password) and sent back with a mistake, from one client.
PUBLIC_FORM_CLIENT = Throttle("public-form-client", "PUBLIC_FORM_CLIENT_RATE")
