"""Team figures: aggregation from counters and handoff rows, and `deescalate report` in its three formats."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import time

import pytest

from bot.report import build_stats, duration, parse_span
from shell.store import Store
from cli.report import run

NOW = time.time()


def _handoff(i: int, *, wait: float | None, state: str, cause: str = "", cost: str = "", declined: str = "") -> dict[str, str]:
    requested = NOW - 3600 * (i + 1)
    row = {"id": f"h{i}", "state": state, "channel": "C0SUPPORT", "root_ts": f"{requested:.6f}", "agent": "U0AGENT",
           "requested_at": f"{requested:.3f}", "severity": "high", "issue": "double charge"}
    if wait is not None:
        row.update(accepted_by="U0SUPER", accepted_at=f"{requested + wait:.3f}")
    if cause:
        row.update(root_cause=cause, resolved_at=f"{requested + 900:.3f}", resolution="refunded")
    if cost:
        row["cost"] = cost
    if declined:
        row["declined_by"] = declined
    return row


HANDOFFS = [
    _handoff(0, wait=60, state="resolved", cause="billing error", cost="25"),
    _handoff(1, wait=180, state="resolved", cause="billing error", cost="10.5"),
    _handoff(2, wait=600, state="accepted"),
    _handoff(3, wait=None, state="declined", declined="U0SUPER"),
    _handoff(4, wait=None, state="open"),
]
COUNTERS = {
    "2024-06-01": {"threads_tense": 3, "whispers": 5, "feedback_helpful": 3, "feedback_not_helpful": 1, "trigger:delay": 2,
                   "boundary:U0AGENT": 2, "abuse_events": 1, "handoffs": 2},
    "2024-06-02": {"threads_tense": 1, "whispers": 2, "trigger:billing": 4, "trigger:delay": 1, "handoffs": 3,
                   "handoff_declines": 1},
}


def test_stats_aggregate_counters_and_rows() -> None:
    stats = build_stats(COUNTERS, HANDOFFS, days=2)
    assert stats.threads_tense == 4 and stats.whispers == 7
    assert stats.handoffs == 5 and stats.accepts == 3 and stats.declines == 1 and stats.resolved == 2
    assert stats.median_accept_seconds == 180
    assert stats.helpful_rate == pytest.approx(0.75)
    assert stats.top_triggers == (("billing", 4), ("delay", 3))
    assert stats.top_root_causes == (("billing error", 2),)
    assert stats.boundary_by_agent == (("U0AGENT", 2),)
    assert stats.daily["tense"] == (3, 1) and stats.daily["handoffs"] == (2, 3)
    assert stats.total_cost == 35.5
    assert "boundary_by_agent" not in stats.to_dict(with_agents=False)


def test_no_data_reads_as_dashes_not_zero_division() -> None:
    stats = build_stats({}, [], days=7)
    assert stats.median_accept_seconds is None and stats.helpful_rate is None
    assert duration(None) == "–"


@pytest.mark.parametrize("text, seconds", [("7d", 7 * 86400), ("12h", 12 * 3600), (" 30D ", 30 * 86400)])
def test_periods(text: str, seconds: float) -> None:
    assert parse_span(text) == seconds


@pytest.mark.parametrize("text", ["7", "week", "0d", "999d", "-3d"])
def test_bad_periods(text: str) -> None:
    with pytest.raises(ValueError):
        parse_span(text)


def _seed(url: str) -> None:
    async def seed() -> None:
        store = Store.connect(url)
        try:
            for h in HANDOFFS:
                fields = {k: v for k, v in h.items() if k not in ("id", "state")}
                handoff_id, _ = await store.create_handoff(h["channel"], h["root_ts"], fields, {"what": "requested"})
                await store.update_handoff(handoff_id, {"state": h["state"]})
            await store.count({"threads_tense": 2, "whispers": 4, "trigger:delay": 2, "feedback_helpful": 1}, NOW)
        finally:
            await store.close()

    asyncio.run(seed())


def _report(url: str | None, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    env = {"REDIS_URL": url} if url else {}
    code = run(since=args[0], fmt=args[1], out=out, err=err, environ=env)
    return code, out.getvalue(), err.getvalue()


def test_report_json_csv_and_table(redis_url: str) -> None:
    _seed(redis_url)
    code, out, _ = _report(redis_url, "7d", "json")
    assert code == 0
    report = json.loads(out)
    assert report["stats"]["threads_tense"] == 2 and report["stats"]["median_accept_seconds"] == 180
    assert len(report["handoffs"]) == 5
    assert {h["root_cause"] for h in report["handoffs"]} == {"billing error", ""}

    code, out, _ = _report(redis_url, "7d", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 5
    first = rows[0]  # oldest first
    assert first["state"] == "open" and first["accept_seconds"] == ""
    resolved = [r for r in rows if r["state"] == "resolved"]
    assert sorted(float(r["cost"]) for r in resolved) == [10.5, 25.0]
    assert all(r["requested_at"].endswith("Z") for r in rows)

    code, out, _ = _report(redis_url, "7d", "table")
    assert code == 0
    assert "median time to accept" in out and "3 min" in out and "billing error" in out


def test_report_period_excludes_older_handoffs(redis_url: str) -> None:
    _seed(redis_url)
    code, out, _ = _report(redis_url, "2h", "json")  # only h0 (1 h ago) was requested within 2 h
    assert code == 0 and [h["id"] for h in json.loads(out)["handoffs"]] != []
    assert len(json.loads(out)["handoffs"]) == 1


def test_report_without_redis_explains_and_fails() -> None:
    code, out, err = _report(None, "7d", "table")
    assert code == 1 and out == ""
    assert "REDIS_URL" in err and "empty" in err


def test_report_bad_period() -> None:
    code, _, err = _report("redis://127.0.0.1:1", "soon", "json")
    assert code == 2 and "--since" in err
