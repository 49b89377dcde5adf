"""Logging filters: keep each security event to one line."""

import logging


class DropTraceback(logging.Filter):
    """Drop the traceback from a client error (4xx): a rejected request is not a bug to debug."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if not isinstance(status, int) or not 400 <= status < 500:
            return True
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True


class DropDebug(logging.Filter):
    """Drop DEBUG records: the template engine's quote whole contexts (query strings, forms)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.DEBUG
