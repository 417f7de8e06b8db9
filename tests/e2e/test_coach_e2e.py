"""Issue 12 end to end: the escalating order-chase thread through signed events against the Slack stand-in,
at 30 s between messages and as a burst; then what came of the suggestions in /deescalate stats, App Home
and `deescalate report --phrases`."""

from __future__ import annotations

import io
import json
import time

import pytest

from bot import ids
from tests.support.coach_thread import AGENT_APOLOGY, MANAGER_REQUEST, order_chase
from tests.support.harness import SUPERVISOR
from tests.e2e.test_events_whisper import Conversation, blocks_of, buttons, header

CUSTOMER, AGENT = "UCUST", "UAGENT"


def replay_thread(bot, standin, *, gap: float, settle: bool = True) -> tuple[Conversation, list[tuple[str, list]]]:  # noqa: ANN001
    """Post the 15 messages; per message the whispers it brought (when settled after each)."""
    talk = Conversation(bot, standin)
    log: list[tuple[str, list]] = []
    for i, (role, text) in enumerate(order_chase()):
        before = len(talk.whispers())
        talk.post(CUSTOMER if role == "customer" else AGENT, text, root=i == 0)
        if settle:
            bot.settle()
            log.append((text, talk.whispers()[before:]))
        if gap:
            bot.advance(gap)
    bot.settle()
    return talk, log


@pytest.mark.parametrize("gap", [30.0, 0.0], ids=["30s-apart", "burst"])
def test_the_order_chase_thread_gets_at_most_three_different_next_steps(bot, standin, gap):  # noqa: ANN001
    talk, log = replay_thread(bot, standin, gap=gap)
    calls = talk.whispers()
    assert 1 <= len(calls) <= 3 and all(c.params["user"] == AGENT for c in calls)
    notes = talk.case().whispers
    kinds = [n["kind"] for n in notes]
    assert len(notes) == len(calls) and len(set(kinds)) == len(kinds), kinds
    assert {"expectations", "options", "outcome"} & set(kinds)
    after_apology = [c for text, sent in log[[t for t, _ in log].index(AGENT_APOLOGY):] for c in sent]
    assert not any("apolog" in header(c).lower() for c in after_apology)
    [on_manager] = dict(log)[MANAGER_REQUEST]
    assert "Escalation" in header(on_manager) and buttons(on_manager)[ids.START_HANDOFF] == f"{talk.channel}|{talk.root}"
    plan = [c for c in calls if c is not on_manager]
    assert plan and all("Next: " in header(c) for c in plan)
    assert all(any("*Plan:* done so far" in json.dumps(b) for b in blocks_of(c)) for c in plan)


def test_a_true_burst_unsettled_still_stays_within_the_budget(bot, standin):  # noqa: ANN001
    talk, _ = replay_thread(bot, standin, gap=0.0, settle=False)
    kinds = [n["kind"] for n in talk.case().whispers]
    assert len(talk.whispers()) <= 3 and len(set(kinds)) == len(kinds) and "escalation" in kinds


def test_what_came_of_the_suggestions_reaches_stats_home_and_the_report(bot, standin, request):  # noqa: ANN001
    talk, log = replay_thread(bot, standin, gap=30.0)
    first = talk.whispers()[0]
    kind = talk.case().whispers[0]["kind"]
    number = buttons(first)[ids.WHISPER_HELPFUL]
    bot.sender.block_action(ids.WHISPER_HELPFUL, number, user_id=AGENT, channel_id=talk.channel,
                            response_url=standin.response_url("fb"))
    standin.wait_for("response_url", where=lambda c: c.tag == "fb")
    bot.sender.command("stats", user_id=SUPERVISOR, response_url=standin.response_url("stats"))
    shown = json.dumps(standin.wait_for("response_url", where=lambda c: c.tag == "stats")[-1].params, ensure_ascii=False)
    assert "Did suggestions help?" in shown and "1 👍 / 0 👎" in shown and "offered 1 · used 0 (0%)" in shown
    assert "*Phrases*: `" in shown
    bot.sender.event({"type": "app_home_opened", "user": SUPERVISOR, "channel": "D0HOME", "tab": "home",
                      "event_ts": f"{time.time():.6f}"})
    standin.wait_for("views.publish")
    home = json.dumps(standin.home_view(SUPERVISOR)["blocks"], ensure_ascii=False)
    from phrasebook.model import TITLES

    assert "Did suggestions help?" in home and f"*{TITLES[kind]}*: offered 1" in home
    assert "*Phrases*: `" in home and "used 0/1" in home
    if "redis" not in request.node.callspec.id:
        return  # `deescalate report` reads the store at REDIS_URL: only the real Redis has one to read
    from cli.report import run

    out, err = io.StringIO(), io.StringIO()
    assert run(fmt="csv", phrases=True, out=out, err=err, environ={"REDIS_URL": bot.config.redis_url}) == 0, err.getvalue()
    rows = out.getvalue().splitlines()
    assert rows[0].startswith("level,name,offered,used") and any(r.startswith(f"kind,{kind},1,0,0.0,1,0") for r in rows)
    assert sum(r.startswith("phrase,") for r in rows) >= 6  # every phrase shown in the three whispers
    out = io.StringIO()
    assert run(fmt="json", phrases=True, out=out, environ={"REDIS_URL": bot.config.redis_url}) == 0
    by_kind = {row["name"]: row for row in json.loads(out.getvalue())["by_kind"]}
    assert by_kind[kind]["helpful"] == 1 and by_kind[kind]["measured_unused"] == 1
