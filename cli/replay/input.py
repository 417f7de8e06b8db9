"""Read past conversations for `deescalate replay`: a JSONL transcript or a Slack workspace export.

JSONL: one `{"thread", "user", "role", "text", "ts"}` object per line (role customer|agent; ts in
seconds, a Slack ts string or an ISO date-time; an optional "channel"). Export: the zip or its folder,
with channels.json, users.json and `<channel name>/<YYYY-MM-DD>.json` lists of messages. Any problem
is a `ReplayInputError` naming the file and the line, so one line tells the person what to fix.
"""

from __future__ import annotations

import json
import math
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from typing import IO, Any

ROLES = ("customer", "agent")
# Message subtypes that are people talking; joins, topic changes and the like are skipped.
_SPOKEN_SUBTYPES = {None, "", "thread_broadcast", "file_share", "me_message"}


class ReplayInputError(Exception):
    """Input we cannot replay; str() is "<file>:<line>: <problem>" (line omitted when unknown)."""

    def __init__(self, file: str, line: int | None, problem: str):
        self.file, self.line, self.problem = file, line, problem
        super().__init__(f"{file}:{line}: {problem}" if line else f"{file}: {problem}")


@dataclass(frozen=True)
class ReplayMessage:
    user: str  # the name people know (export: display name; JSONL: the "user" field)
    role: str  # customer | agent
    text: str
    ts: float


@dataclass(frozen=True)
class ReplayThread:
    source: str  # file or export the thread came from
    channel: str  # channel name ("" for a JSONL file without channels)
    key: str  # the thread's name in the source (JSONL "thread", or the root ts)
    messages: tuple[ReplayMessage, ...]

    @property
    def started(self) -> float:
        return self.messages[0].ts if self.messages else 0.0


STDIN = "-"  # the path that means "JSONL on standard input"


def load_threads(
    path: str | Path,
    *,
    channel: str | None = None,
    since: float | None = None,
    agents: frozenset[str] = frozenset(),
    stdin: IO[str] | None = None,
) -> list[ReplayThread]:
    """Every thread in `path` (`-`: JSONL read from `stdin`), oldest first, filtered by channel and start time."""
    if str(path) == STDIN:
        threads = _parse_jsonl("<stdin>", (stdin or sys.stdin).read())
        path = None
    else:
        path = Path(path)
        if not path.exists():
            raise ReplayInputError(str(path), None, "no such file or folder")
    if path is not None and (path.is_dir() or zipfile.is_zipfile(path)):
        threads = _export_threads(path, channel, agents)
    else:
        if path is not None:
            threads = _jsonl_threads(path)
        if channel:
            threads = [t for t in threads if t.channel.lstrip("#") == channel.lstrip("#")]
    if since is not None:
        threads = [t for t in threads if t.started >= since]
    return sorted(threads, key=lambda t: t.started)


# ---- JSONL ---------------------------------------------------------------------------------------


def _jsonl_threads(path: Path) -> list[ReplayThread]:
    name = str(path)
    try:
        raw = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise ReplayInputError(name, line, "not UTF-8 text") from None
    except OSError as exc:
        raise ReplayInputError(name, None, exc.strerror or str(exc)) from None
    return _parse_jsonl(name, raw)


def _parse_jsonl(name: str, raw: str) -> list[ReplayThread]:
    grouped: dict[tuple[str, str], list[ReplayMessage]] = {}
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ReplayInputError(name, number, f"not valid JSON ({exc.msg})") from None
        if not isinstance(item, dict):
            raise ReplayInputError(name, number, "each line must be a JSON object")
        missing = [k for k in ("thread", "user", "role", "text", "ts") if k not in item]
        if missing:
            raise ReplayInputError(name, number, f"missing {', '.join(missing)} (need thread, user, role, text, ts)")
        role = str(item["role"]).lower()
        if role not in ROLES:
            raise ReplayInputError(name, number, f"role must be customer or agent, got {item['role']!r}")
        if not isinstance(item["text"], str):
            raise ReplayInputError(name, number, "text must be a string")
        ts = _timestamp(item["ts"])
        if ts is None:
            raise ReplayInputError(name, number, f"ts must be seconds, a Slack ts or an ISO date-time, got {item['ts']!r}")
        key = (str(item.get("channel", "")), str(item["thread"]))
        grouped.setdefault(key, []).append(ReplayMessage(str(item["user"]), role, item["text"], ts))
    if not grouped:
        raise ReplayInputError(name, None, "no messages found (expected one JSON object per line)")
    return [
        ReplayThread(name, chan, key, tuple(sorted(msgs, key=lambda m: m.ts))) for (chan, key), msgs in grouped.items()
    ]


def _timestamp(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) and value >= 0 else None
    if isinstance(value, str):
        try:
            seconds = float(value)
        except ValueError:
            pass
        else:  # "inf", "nan" and negative times are no moment a message was sent
            return seconds if math.isfinite(seconds) and seconds >= 0 else None
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)).timestamp()
    return None


# ---- Slack export -------------------------------------------------------------------------------


class _Export:
    """A Slack export as files, whether a folder or the zip Slack hands out."""

    def __init__(self, path: Path):
        self.path = path
        self.zip = None if path.is_dir() else zipfile.ZipFile(path)
        names = self._names()
        roots = [n for n in names if PurePosixPath(n).name == "channels.json" and len(PurePosixPath(n).parts) <= 2]
        if not roots:
            raise ReplayInputError(str(path), None, "not a Slack export: channels.json is missing")
        self.prefix = str(PurePosixPath(sorted(roots, key=len)[0]).parent)
        self.prefix = "" if self.prefix == "." else self.prefix + "/"
        self.names = {n[len(self.prefix):] for n in names if n.startswith(self.prefix)}

    def _names(self) -> list[str]:
        if self.zip is not None:
            return [n for n in self.zip.namelist() if not n.endswith("/")]
        return [p.relative_to(self.path).as_posix() for p in self.path.rglob("*.json")]

    def label(self, name: str) -> str:
        return f"{self.path}/{self.prefix}{name}" if self.zip is None else f"{self.path}!{self.prefix}{name}"

    def text(self, name: str) -> str:
        try:
            if self.zip is not None:
                data = self.zip.read(self.prefix + name)
            else:
                data = (self.path / self.prefix / name).read_bytes()
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise ReplayInputError(self.label(name), None, "not UTF-8 text") from None

    def items(self, name: str) -> Iterator[tuple[int, Any]]:
        """(line, element) for each element of the JSON list in `name`."""
        text = self.text(name)
        label = self.label(name)
        decoder = json.JSONDecoder()
        at = _skip_space(text, 0)
        if at >= len(text) or text[at] != "[":
            line = text.count("\n", 0, at) + 1
            try:
                json.loads(text)
            except json.JSONDecodeError as exc:
                raise ReplayInputError(label, exc.lineno, f"not valid JSON ({exc.msg})") from None
            raise ReplayInputError(label, line, "expected a JSON list")
        at = _skip_space(text, at + 1)
        if at < len(text) and text[at] == "]":
            return
        while True:
            line = text.count("\n", 0, at) + 1
            try:
                element, at = decoder.raw_decode(text, at)
            except json.JSONDecodeError as exc:
                raise ReplayInputError(label, exc.lineno, f"not valid JSON ({exc.msg})") from None
            yield line, element
            at = _skip_space(text, at)
            if at < len(text) and text[at] == ",":
                at = _skip_space(text, at + 1)
                continue
            if at < len(text) and text[at] == "]":
                if _skip_space(text, at + 1) < len(text):
                    raise ReplayInputError(label, text.count("\n", 0, at) + 1, "unexpected text after the list")
                return
            raise ReplayInputError(label, text.count("\n", 0, at) + 1, "not valid JSON (expected , or ])")


def _skip_space(text: str, at: int) -> int:
    while at < len(text) and text[at] in " \t\r\n":
        at += 1
    return at


def _export_threads(path: Path, only: str | None, agents: frozenset[str]) -> list[ReplayThread]:
    export = _Export(path)
    channels: list[tuple[str, str]] = []
    for line, item in export.items("channels.json"):
        if not isinstance(item, dict) or not item.get("name"):
            raise ReplayInputError(export.label("channels.json"), line, "each channel needs a name")
        channels.append((str(item.get("id", "")), str(item["name"])))
    names: dict[str, str] = {}
    if "users.json" in export.names:
        for line, item in export.items("users.json"):
            if not isinstance(item, dict) or "id" not in item:
                raise ReplayInputError(export.label("users.json"), line, "each user needs an id")
            names[str(item["id"])] = str(item.get("real_name") or item.get("name") or item["id"])
    if only:
        wanted = only.lstrip("#")
        channels = [c for c in channels if wanted in c]
        if not channels:
            raise ReplayInputError(str(path), None, f"no channel named {only!r} in channels.json")
    threads: list[ReplayThread] = []
    for _, name in channels:
        days = sorted(n for n in export.names if n.startswith(f"{name}/") and n.endswith(".json"))
        threads += _channel_threads(export, name, days, names, agents)
    return threads


def _channel_threads(
    export: _Export, channel: str, days: list[str], names: dict[str, str], agents: frozenset[str]
) -> list[ReplayThread]:
    grouped: dict[str, list[tuple[float, str, str]]] = {}
    for day in days:
        label = export.label(day)
        for line, item in export.items(day):
            if not isinstance(item, dict):
                raise ReplayInputError(label, line, "each message must be a JSON object")
            if item.get("bot_id") or item.get("subtype") not in _SPOKEN_SUBTYPES:
                continue
            ts = _timestamp(item.get("ts"))
            if ts is None:
                raise ReplayInputError(label, line, "message without a valid ts")
            if not item.get("user"):
                raise ReplayInputError(label, line, "message without a user")
            root = str(item.get("thread_ts") or item["ts"])
            grouped.setdefault(root, []).append((ts, str(item["user"]), str(item.get("text", ""))))
    threads = []
    for root, rows in grouped.items():
        rows.sort()
        starter = rows[0][1]
        messages = tuple(
            ReplayMessage(
                names.get(user, user),
                _role(user, starter, agents),
                text,
                ts,
            )
            for ts, user, text in rows
        )
        threads.append(ReplayThread(str(export.path), channel, root, messages))
    return threads


def _role(user: str, starter: str, agents: frozenset[str]) -> str:
    if agents:
        return "agent" if user in agents else "customer"
    return "customer" if user == starter else "agent"
