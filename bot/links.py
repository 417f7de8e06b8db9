"""Read a Slack message link as an agent pastes it into `/deescalate status|handoff <link>`.

Slack sends links in command text as `<https://…|label>` (or bare), with `&` escaped as `&amp;`.
A permalink names the message (`/archives/<channel>/p<ts without the dot>`); a reply's permalink
adds `?thread_ts=<root>`, and the thread we care about is the root's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlparse

_ANGLE = re.compile(r"^<([^|>]+)(?:\|[^>]*)?>$")
_ARCHIVES = re.compile(r"/archives/([CGD][A-Z0-9]{2,})/p(\d{10})(\d{6})/?$")
_TS = re.compile(r"^\d{10}\.\d{6}$")


@dataclass(frozen=True)
class MessageLink:
    channel: str
    ts: str  # the linked message
    thread_ts: str | None = None  # the thread's root when the linked message is a reply

    @property
    def root_ts(self) -> str:
        """The ts of the thread's first message (the key of the thread record)."""
        return self.thread_ts or self.ts


def parse_link(text: str) -> MessageLink | None:
    """The message a Slack permalink points at, or None when `text` is not one."""
    raw = text.strip()
    angle = _ANGLE.match(raw)
    if angle:
        raw = angle.group(1)
    raw = raw.replace("&amp;", "&")
    parsed = urlparse(raw)
    if parsed.scheme not in ("http", "https") or not parsed.netloc.endswith("slack.com"):
        return None
    found = _ARCHIVES.search(parsed.path)
    if not found:
        return None
    channel, seconds, micros = found.groups()
    thread = parse_qs(parsed.query).get("thread_ts", [None])[0]
    if thread is not None and not _TS.match(thread):
        return None
    ts = f"{seconds}.{micros}"
    return MessageLink(channel, ts, thread if thread and thread != ts else None)


def split_link(text: str) -> tuple[str, str]:
    """(the first word, the rest): a link never contains spaces, the note after it may."""
    parts = text.strip().split(None, 1)
    if not parts:
        return "", ""
    return parts[0], parts[1].strip() if len(parts) > 1 else ""
