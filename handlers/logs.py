"""Logging set-up: one line per record, and no secret ever printed (tokens are masked wherever they appear)."""

from __future__ import annotations

import logging
import re

_SECRET = re.compile(r"\b(xox[abposr]-|xapp-)[A-Za-z0-9-]+|(Bearer\s+)[A-Za-z0-9._-]+|(redis[s]?://[^:/@\s]*:)[^@\s]+(@)")


def mask(text: str) -> str:
    """Mask Slack tokens, bearer credentials and Redis passwords in a string."""

    def hide(m: re.Match[str]) -> str:
        if m.group(1):
            return m.group(1) + "***"
        if m.group(2):
            return m.group(2) + "***"
        return f"{m.group(3)}***{m.group(4)}"

    return _SECRET.sub(hide, text)


class SecretFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = mask(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


def configure(level: str = "INFO") -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(SecretFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
