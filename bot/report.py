"""Team figures from the store's daily counters and handoff rows: `/deescalate stats` and `deescalate report`.

Pure: the caller reads `Store.daily_counters(days, now)` and `Store.handoffs_since(since)` and passes
them in. Counter names are the ones the whisper and handoff pipelines write (see shell/store.py users).
"""

from __future__ import annotations

import json
import re
import statistics
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any, Mapping, Sequence

from bot.adoption import Adoption, adoption, row_dict

_SPAN = re.compile(r"^\s*(\d{1,4})\s*([dh])\s*$", re.IGNORECASE)
MAX_DAYS = 366


def parse_span(text: str) -> float:
    """Seconds in "7d" or "12h"; ValueError with a readable message otherwise."""
    found = _SPAN.match(text or "")
    if not found:
        raise ValueError(f"{text!r} is not a period like 7d or 12h")
    amount, unit = int(found.group(1)), found.group(2).lower()
    seconds = amount * (86400 if unit == "d" else 3600)
    if amount < 1 or seconds > MAX_DAYS * 86400:
        raise ValueError(f"{text!r} must be between 1h and {MAX_DAYS}d")
    return float(seconds)


def parse_since(text: str, now: float) -> float:
    """A cut-off time from "7d" / "12h" (before `now`) or a date "2024-03-01" (its start, UTC)."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", (text or "").strip()):
        try:
            day = datetime.strptime(text.strip(), "%Y-%m-%d").replace(tzinfo=timezone.utc)
        except ValueError:
            raise ValueError(f"{text.strip()!r} is not a real date (YYYY-MM-DD)") from None
        return day.timestamp()
    try:
        return now - parse_span(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a period like 7d or 12h, nor a date like 2024-06-01") from None


def span_days(seconds: float) -> int:
    """Whole calendar days of counters that cover a period (a part day counts as a day)."""
    return max(1, int(-(-seconds // 86400)))


@dataclass(frozen=True)
class HandoffRow:
    """One handoff as the people who run the team read it."""

    id: str
    requested_at: float | None
    severity: str
    state: str
    channel: str
    agent: str
    accepted_by: str
    accepted_at: float | None
    accept_seconds: float | None
    declined_by: str
    resolved_at: float | None
    resolution: str
    root_cause: str
    cost: float | None
    renotified: int
    permalink: str


def handoff_row(fields: Mapping[str, str]) -> HandoffRow:
    """A row from a handoff hash (every value a string; missing fields tolerated)."""
    requested = _number(fields.get("requested_at"))
    accepted = _number(fields.get("accepted_at"))
    wait = accepted - requested if accepted is not None and requested is not None and accepted >= requested else None
    return HandoffRow(
        id=fields.get("id", ""),
        requested_at=requested,
        severity=fields.get("severity", ""),
        state=fields.get("state", ""),
        channel=fields.get("channel", ""),
        agent=fields.get("agent", "") or fields.get("requested_by", ""),
        accepted_by=fields.get("accepted_by", ""),
        accepted_at=accepted,
        accept_seconds=wait,
        declined_by=fields.get("declined_by", ""),
        resolved_at=_number(fields.get("resolved_at")),
        resolution=fields.get("resolution", ""),
        root_cause=fields.get("root_cause", ""),
        cost=_number(fields.get("cost")),
        renotified=int(_number(fields.get("renotified")) or 0),
        permalink=fields.get("permalink", ""),
    )


@dataclass(frozen=True)
class Stats:
    days: int
    threads_tense: int
    whispers: int
    handoffs: int
    accepts: int
    declines: int
    resolved: int
    median_accept_seconds: float | None
    helpful: int
    not_helpful: int
    abuse_events: int
    boundary_steps: int
    coach_nudges: int
    unattended_alerts: int
    top_triggers: tuple[tuple[str, int], ...]
    top_root_causes: tuple[tuple[str, int], ...]
    boundary_by_agent: tuple[tuple[str, int], ...]  # wellbeing: supervisors only
    whispers_by_kind: tuple[tuple[str, int], ...]
    daily: Mapping[str, tuple[int, ...]] = field(default_factory=dict)  # series per day, oldest first
    day_names: tuple[str, ...] = ()
    total_cost: float = 0.0
    # Did suggestions help (bot/adoption.py): per kind and per phrase, most offered first.
    by_kind: tuple[Adoption, ...] = ()
    by_phrase: tuple[Adoption, ...] = ()

    @property
    def helpful_rate(self) -> float | None:
        """Share of whisper feedback that said "helpful"; None before anyone answered."""
        answered = self.helpful + self.not_helpful
        return self.helpful / answered if answered else None

    def to_dict(self, *, with_agents: bool = True) -> dict[str, Any]:
        out = asdict(self)
        out["helpful_rate"] = self.helpful_rate
        out["top_triggers"] = dict(self.top_triggers)
        out["top_root_causes"] = dict(self.top_root_causes)
        out["whispers_by_kind"] = dict(self.whispers_by_kind)
        out["boundary_by_agent"] = dict(self.boundary_by_agent)
        out["daily"] = {k: list(v) for k, v in self.daily.items()}
        out["day_names"] = list(self.day_names)
        out["by_kind"] = [row_dict(a) for a in self.by_kind]
        out["by_phrase"] = [row_dict(a) for a in self.by_phrase]
        if not with_agents:
            del out["boundary_by_agent"]
        return out


DAILY_SERIES = {"tense": "threads_tense", "whispers": "whispers", "handoffs": "handoffs"}


def build_stats(
    counters: Mapping[str, Mapping[str, int]],
    handoffs: Sequence[Mapping[str, str]],
    *,
    days: int,
    top: int = 5,
) -> Stats:
    """Aggregate `{day: {counter: n}}` (oldest first) and the period's handoff hashes."""
    totals: Counter[str] = Counter()
    for row in counters.values():
        totals.update({k: int(v) for k, v in row.items()})
    rows = [handoff_row(h) for h in handoffs]
    waits = [r.accept_seconds for r in rows if r.accept_seconds is not None]
    causes = Counter(r.root_cause for r in rows if r.root_cause)
    day_names = tuple(counters.keys())
    by_kind, by_phrase = adoption(totals)
    daily = {name: tuple(int(counters[d].get(key, 0)) for d in day_names) for name, key in DAILY_SERIES.items()}
    return Stats(
        days=days,
        threads_tense=totals["threads_tense"],
        whispers=totals["whispers"],
        handoffs=max(totals["handoffs"], len(rows)),
        accepts=max(totals["handoff_accepts"], len(waits)),
        declines=max(totals["handoff_declines"], sum(1 for r in rows if r.declined_by)),
        resolved=max(totals["handoff_resolved"], sum(1 for r in rows if r.state == "resolved")),
        median_accept_seconds=statistics.median(waits) if waits else None,
        helpful=totals["feedback_helpful"],
        not_helpful=totals["feedback_not_helpful"],
        abuse_events=totals["abuse_events"],
        boundary_steps=totals["boundary_steps"],
        coach_nudges=totals["coach_nudges"],
        unattended_alerts=totals["unattended_alerts"],
        top_triggers=_prefixed(totals, "trigger:", top),
        top_root_causes=tuple(causes.most_common(top)),
        boundary_by_agent=_prefixed(totals, "boundary:", 50),
        whispers_by_kind=_prefixed(totals, "whispers:", 20),
        daily=daily,
        day_names=day_names,
        total_cost=round(sum(r.cost for r in rows if r.cost is not None), 2),
        by_kind=by_kind,
        by_phrase=by_phrase,
    )


def _prefixed(totals: Counter[str], prefix: str, limit: int) -> tuple[tuple[str, int], ...]:
    found = Counter({k[len(prefix):]: v for k, v in totals.items() if k.startswith(prefix) and v > 0})
    return tuple(sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))[:limit])


def duration(seconds: float | None) -> str:
    """The one way a duration is shown to people: "under a minute", "12 min", "2 h 5 min", "3 days 4 h"."""
    if seconds is None:
        return "–"
    seconds = max(0, int(round(seconds)))
    if seconds < 60:
        return "under a minute"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} days {hours} h" if hours else f"{days} days"


def percent(rate: float | None) -> str:
    return "–" if rate is None else f"{rate * 100:.0f}%"


def rows_json(rows: Sequence[HandoffRow]) -> list[dict[str, Any]]:
    return [asdict(r) for r in rows]


def report_json(stats: Stats, rows: Sequence[HandoffRow], *, since: float, until: float) -> str:
    """The whole report as one JSON object."""
    return json.dumps(
        {"since": since, "until": until, "stats": stats.to_dict(), "handoffs": rows_json(rows)},
        indent=2,
        ensure_ascii=False,
    )


def _number(raw: str | None) -> float | None:
    if raw is None or str(raw).strip() == "":
        return None
    try:
        return float(raw)
    except ValueError:
        return None
