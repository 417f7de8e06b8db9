"""`deescalate report`: the team's figures and one row per handoff, read from the store at REDIS_URL."""

from __future__ import annotations

import csv
import io
import sys
import time
from typing import IO, Sequence

from bot.report import (
    MAX_DAYS, HandoffRow, Stats, build_stats, duration, handoff_row, parse_since, percent, report_json, span_days,
)
from handlers.cli_config import on_store, store_config

NO_STORE = (
    "deescalate report: REDIS_URL is not set. Without it the bot keeps its state in memory, which is empty "
    "for every new process, so there is nothing to report. Point REDIS_URL at the Redis the bot uses."
)
CSV_COLUMNS = (
    "id", "requested_at", "severity", "state", "channel", "agent", "accepted_by", "accept_seconds",
    "declined_by", "resolved_at", "resolution", "root_cause", "cost", "renotified", "permalink",
)


def run(*, since: str = "7d", fmt: str = "table", out: IO[str] | None = None, err: IO[str] | None = None,
        environ: dict[str, str] | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    now = time.time()
    try:
        span = now - parse_since(since, now)
        if span <= 0:
            raise ValueError(f"{since!r} is in the future")
        if span > MAX_DAYS * 86400:
            raise ValueError(f"{since!r} is more than {MAX_DAYS} days ago")
    except ValueError as exc:
        print(f"deescalate report: --since: {exc}", file=err)
        return 2
    config, status = store_config("deescalate report", NO_STORE, environ=environ, err=err)
    if config is None:
        return status
    try:
        stats, rows = on_store(config, lambda store: _read(store, span, now))
    except Exception as exc:  # Redis down or unreachable: say so plainly
        print(f"deescalate report: cannot read the store at REDIS_URL: {type(exc).__name__}: {exc}", file=err)
        return 1
    if fmt == "json":
        out.write(report_json(stats, rows, since=now - span, until=now) + "\n")
    elif fmt == "csv":
        out.write(render_csv(rows))
    else:
        render_table(stats, rows, out, since=now - span)
    return 0


async def _read(store, span: float, now: float) -> tuple[Stats, list[HandoffRow]]:  # noqa: ANN001
    days = span_days(span)
    counters = await store.daily_counters(days, now)
    handoffs = await store.handoffs_since(now - span)
    return build_stats(counters, handoffs, days=days), sorted((handoff_row(h) for h in handoffs), key=lambda r: r.requested_at or 0)


def render_csv(rows: Sequence[HandoffRow]) -> str:
    """One line per handoff, times as ISO 8601 UTC (spreadsheets read them), durations in seconds."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        values = []
        for name in CSV_COLUMNS:
            value = getattr(row, name)
            if name in ("requested_at", "resolved_at") and value is not None:
                value = _iso(value)
            values.append("" if value is None else value)
        writer.writerow(values)
    return buffer.getvalue()


def _iso(ts: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def render_table(stats: Stats, rows: Sequence[HandoffRow], out: IO[str], *, since: float) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(file=out, width=max(100, Console(file=out).width))
    figures = Table(title=f"deescalate · since {_iso(since)} ({stats.days} day{'s' if stats.days != 1 else ''} of counters)")
    figures.add_column("figure")
    figures.add_column("value", justify="right")
    for name, value in (
        ("tense threads", stats.threads_tense),
        ("whispers", stats.whispers),
        ("whisper feedback: helpful", f"{percent(stats.helpful_rate)} ({stats.helpful}/{stats.helpful + stats.not_helpful})"),
        ("handoffs", stats.handoffs),
        ("accepted", stats.accepts),
        ("declined", stats.declines),
        ("resolved", stats.resolved),
        ("median time to accept", duration(stats.median_accept_seconds)),
        ("abuse events", stats.abuse_events),
        ("boundary steps", stats.boundary_steps),
        ("cost of handoffs", f"{stats.total_cost:g}"),
        ("top triggers", ", ".join(f"{k} {n}" for k, n in stats.top_triggers) or "–"),
        ("top root causes", ", ".join(f"{k} {n}" for k, n in stats.top_root_causes) or "–"),
        ("boundary events per agent", ", ".join(f"{k} {n}" for k, n in stats.boundary_by_agent) or "–"),
    ):
        figures.add_row(name, str(value))
    console.print(figures)
    table = Table(title=f"handoffs ({len(rows)})")
    for column in ("requested (UTC)", "severity", "state", "agent", "accepted by", "to accept", "resolved (UTC)", "root cause", "cost"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            _iso(row.requested_at)[:16].replace("T", " ") if row.requested_at else "–",
            row.severity or "–",
            row.state or "–",
            row.agent or "–",
            row.accepted_by or "–",
            duration(row.accept_seconds),
            _iso(row.resolved_at)[:16].replace("T", " ") if row.resolved_at else "–",
            row.root_cause or "–",
            "–" if row.cost is None else f"{row.cost:g}",
        )
    console.print(table)
