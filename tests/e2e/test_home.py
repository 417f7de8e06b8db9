"""App Home: published on app_home_opened, one view for supervisors and another for agents."""

from __future__ import annotations

import json
import time

from bot import ids
from tests.support.harness import SUPERVISOR
from tests.support.signing import message_event

CHANNEL = "CSUPPORT"


def home_opened(user: str, tab: str = "home") -> dict:
    return {"type": "app_home_opened", "user": user, "channel": "D0HOME", "tab": tab, "event_ts": f"{time.time():.6f}"}


def test_supervisor_home_has_queue_week_and_root_causes(make_bot, standin) -> None:  # noqa: ANN001
    bot = make_bot()
    now = time.time()
    fields = {"channel": CHANNEL, "root_ts": "1700000000.000100", "agent": "UAGENT", "requested_at": f"{now - 300:.3f}",
              "severity": "critical", "issue": "threatens a chargeback"}
    handoff_id, _ = bot.run(bot.store.create_handoff(CHANNEL, "1700000000.000100", fields, {"what": "requested"}))
    resolved = {**fields, "root_ts": "1700000000.000200", "root_cause": "billing error"}
    bot.run(bot.store.create_handoff(CHANNEL, "1700000000.000200", resolved, {"what": "requested"}))
    bot.run(bot.store.count({"threads_tense": 3, "whispers": 5}, now))
    bot.sender.event(home_opened(SUPERVISOR))
    standin.wait_for("views.publish")
    view = standin.home_view(SUPERVISOR)
    shown = json.dumps(view["blocks"], ensure_ascii=False)
    assert "Handoff queue" in shown and "threatens a chargeback" in shown
    accepts = [e for b in view["blocks"] if b["type"] == "actions" for e in b["elements"] if e["action_id"] == ids.HANDOFF_ACCEPT]
    assert handoff_id in [e["value"] for e in accepts]
    assert "Last 7 days" in shown and "3 tense threads" in shown and "5 whispers" in shown
    assert "billing error (1)" in shown


def test_agent_home_has_their_threads_techniques_and_kinds(make_bot, standin) -> None:  # noqa: ANN001
    bot = make_bot()
    root = f"{int(time.time()) - 60}.000100"
    bot.sender.event(message_event(CHANNEL, "UCUST", "My parcel is late again and nobody answers.", ts=root))
    bot.sender.event(message_event(CHANNEL, "UAGENT", "Sorry about that, checking now.", ts=f"{int(time.time()) - 50}.000100", thread_ts=root))
    bot.settle()
    bot.sender.event(home_opened("UAGENT"))
    standin.wait_for("views.publish")
    shown = json.dumps(standin.home_view("UAGENT")["blocks"], ensure_ascii=False)
    assert "Your threads today" in shown and f"<#{CHANNEL}>" in shown and "parcel is late" in shown
    assert "What helps when it gets tense" in shown and "`apology`" in shown
    assert "Handoff queue" not in shown


def test_messages_tab_publishes_nothing(make_bot, standin) -> None:  # noqa: ANN001
    bot = make_bot()
    bot.sender.event(home_opened("UAGENT", tab="messages"))
    standin.assert_no_call("views.publish", within=0.3)
