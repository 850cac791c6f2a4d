"""Logging filters used by ``LOGGING`` in the settings."""

import logging


class ClientErrorsOnOneLine(logging.Filter):
    """A 4xx answer (a 403 for a page someone's role does not allow, a 404, a
    bad request) is logged by Django with the exception's traceback; it is
    the client's mistake, not ours, so keep its one line and drop the
    traceback. 5xx errors keep theirs."""

    def filter(self, record):
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
