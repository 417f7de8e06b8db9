"""Logging set-up: one line per record (text, or JSON with DEESCALATE_LOG_FORMAT=json), and no secret
ever printed (tokens are masked wherever they appear)."""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time

_SECRET = re.compile(r"\b(xox[abeposr]-|xapp-)[A-Za-z0-9-]+|(Bearer\s+)[A-Za-z0-9._-]+|(redis[s]?://[^:/@\s]*:)[^@\s]+(@)")


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


# The Slack request being handled (team, channel, event id): set once per request by the app's
# middleware; tasks spawned for its work inherit it, so their log lines carry it too.
REQUEST: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar("request_fields", default=None)
FIELDS = ("team", "channel", "event_id")


def bind(body: dict) -> None:
    """Remember which team, channel and event a Slack request is about, for the log lines it causes."""
    event = _dict(body.get("event"))
    fields = {
        "team": body.get("team_id") or _dict(body.get("team")).get("id"),
        "channel": event.get("channel") or _dict(event.get("item")).get("channel") or body.get("channel_id")
        or _dict(body.get("channel")).get("id"),
        "event_id": body.get("event_id"),
    }
    REQUEST.set({k: v for k, v in fields.items() if isinstance(v, str) and v})


def _dict(value: object) -> dict:
    return value if isinstance(value, dict) else {}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the request's team/channel/event_id, error."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update(REQUEST.get() or {})
        if record.exc_text:  # already masked by SecretFilter
            line["error"] = record.exc_text
        return json.dumps(line, ensure_ascii=False)


def configure(level: str = "INFO", fmt: str = "text") -> None:
    handler = logging.StreamHandler()
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(SecretFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
