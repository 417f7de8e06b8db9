"""/deescalate end to end: signed slash commands and button clicks in, ephemeral answers and Slack calls out."""

from __future__ import annotations

import json
import time

import pytest

from bot import ids
from bot.commands import USAGE, decode_another
from tests.support.harness import SUPERVISOR
from tests.support.signing import message_event

CHANNEL = "CSUPPORT"
CUSTOMER, AGENT, OUTSIDER = "UCUST", "UAGENT", "UOTHER"
_serial = iter(range(1, 1_000_000))


def ts() -> str:
    return f"{int(time.time()) - 600}.{next(_serial):06d}"


def link(channel: str, root: str) -> str:
    return f"<https://standin.slack.com/archives/{channel}/p{root.replace('.', '')}|thread>"


def thread(bot, *customer_lines: str) -> str:  # noqa: ANN001
    """A thread: the customer opens, an agent replies, then more customer lines; returns the root ts."""
    root = ts()
    assert bot.sender.event(message_event(CHANNEL, CUSTOMER, "Hello, my parcel has not arrived.", ts=root)).status == 200
    bot.sender.event(message_event(CHANNEL, AGENT, "Hi, I'm looking into it now.", ts=ts(), thread_ts=root))
    for line in customer_lines:
        bot.sender.event(message_event(CHANNEL, CUSTOMER, line, ts=ts(), thread_ts=root))
    bot.settle()
    return root


def ack_of(response) -> dict:  # noqa: ANN001
    assert response.status == 200
    return response.json()


def text_of(payload: dict) -> str:
    return json.dumps(payload.get("blocks", []), ensure_ascii=False) + payload.get("text", "")


def answer(standin, tag: str) -> dict:  # noqa: ANN001
    return standin.wait_for("response_url", where=lambda c: c.tag == tag)[-1].params


def test_help_and_no_argument_answer_privately(make_bot) -> None:  # noqa: ANN001
    bot = make_bot()
    for text in ("", "help"):
        body = ack_of(bot.sender.command(text))
        assert body["response_type"] == "ephemeral"
        for sub in ("apology", "check", "status", "handoffs", "stats", "/deescalate apology late delivery"):
            assert sub in text_of(body)


@pytest.mark.parametrize("text", ["dance", "boundary 9", "stats 2w", "status nowhere", "check", "handoffs please"])
def test_bad_subcommands_get_an_error_and_usage(make_bot, standin, text: str) -> None:  # noqa: ANN001
    bot = make_bot()
    body = ack_of(bot.sender.command(text, response_url=standin.response_url("bad")))
    assert body["response_type"] == "ephemeral"
    assert USAGE in body["text"]
    standin.assert_no_call("response_url", within=0.2)


def test_phrasings_with_another_cycling_without_repeats(make_bot, standin) -> None:  # noqa: ANN001
    bot = make_bot()
    body = ack_of(bot.sender.command("apology late delivery"))
    quotes = [b["text"]["text"] for b in body["blocks"] if b["type"] == "section" and b["text"]["text"].startswith(">")]
    assert len(quotes) == 3
    button = next(b for b in body["blocks"] if b["type"] == "actions")["elements"][0]
    first_ids = set(decode_another(button["value"])[1])
    bot.sender.block_action(ids.PHRASES_ANOTHER, button["value"], user_id=AGENT, channel_id=CHANNEL,
                            response_url=standin.response_url("another"))
    again = answer(standin, "another")
    assert again["replace_original"] is True
    new_button = next(b for b in again["blocks"] if b["type"] == "actions")["elements"][0]
    shown = decode_another(new_button["value"])[1]
    new_ids = set(shown) - first_ids
    assert len(new_ids) == 3 and not new_ids & first_ids
    assert "apology" in again["text"].lower()


def test_boundary_step_phrasings(make_bot) -> None:  # noqa: ANN001
    bot = make_bot()
    body = ack_of(bot.sender.command("boundary 3"))
    assert "step 3 of 3" in text_of(body)


def test_check_shows_findings_rewrite_and_tone(make_bot) -> None:  # noqa: ANN001
    bot = make_bot()
    body = ack_of(bot.sender.command("check Calm down, as I already said it's our policy."))
    shown = text_of(body)
    assert "Wording to reconsider" in shown and "Suggested rewrite" in shown
    assert "Tone" in shown and "reads as" in shown
    clean = ack_of(bot.sender.command("check Thanks for your patience, I'll update you by 3 pm."))
    assert "Nothing in the wording" in text_of(clean)


def test_status_for_the_agent_and_supervisor_not_outsiders(make_bot, standin) -> None:  # noqa: ANN001
    bot = make_bot()
    root = thread(bot, "This is UNACCEPTABLE!!! I have been waiting for weeks, the worst service ever!!!")
    bot.sender.command(f"status {link(CHANNEL, root)}", user_id=AGENT, response_url=standin.response_url("agent"))
    shown = text_of(answer(standin, "agent"))
    assert "Level" in shown and "Trajectory" in shown and "Whispers sent" in shown and "Handoff*: none" in shown
    level = bot.run(bot.store.load_thread(CHANNEL, root))[1]["level"]
    assert f"*Level*: {level}" in shown
    bot.sender.command(f"status {link(CHANNEL, root)}", user_id=SUPERVISOR, response_url=standin.response_url("super"))
    assert "Trajectory" in text_of(answer(standin, "super"))
    bot.sender.command(f"status {link(CHANNEL, root)}", user_id=OUTSIDER, response_url=standin.response_url("out"))
    refused = text_of(answer(standin, "out"))
    assert "Only the thread's agents and supervisors" in refused and "Trajectory" not in refused


def test_status_of_an_unknown_thread(make_bot, standin) -> None:  # noqa: ANN001
    bot = make_bot()
    bot.sender.command(f"status {link(CHANNEL, '1700000000.000001')}", user_id=AGENT, response_url=standin.response_url("x"))
    assert "no record of that thread" in text_of(answer(standin, "x"))


def test_handoff_opens_the_form_with_the_note(make_bot, standin) -> None:  # noqa: ANN001
    bot = make_bot()
    root = thread(bot, "I want to speak to your manager right now.")
    body = bot.sender.command(f"handoff {link(CHANNEL, root)} wants a refund over my limit", user_id=AGENT, trigger_id="trig-1")
    assert body.status == 200
    opened = standin.wait_for("views.open")[-1]
    assert opened.params["trigger_id"] == "trig-1"
    assert "wants a refund over my limit" in json.dumps(opened.params["view"])


def test_handoffs_queue_for_supervisors_with_accept(make_bot, standin) -> None:  # noqa: ANN001
    bot = make_bot()
    now = time.time()
    fields = {"channel": CHANNEL, "root_ts": "1700000000.000100", "customer": CUSTOMER, "agent": AGENT,
              "requested_by": AGENT, "requested_at": f"{now - 720:.3f}", "severity": "high", "issue": "double charge"}
    handoff_id, _ = bot.run(bot.store.create_handoff(CHANNEL, "1700000000.000100", fields, {"who": AGENT, "what": "requested"}))
    bot.sender.command("handoffs", user_id=AGENT, response_url=standin.response_url("agent"))
    assert "for supervisors" in text_of(answer(standin, "agent"))
    bot.sender.command("handoffs", user_id=SUPERVISOR, response_url=standin.response_url("queue"))
    queue = answer(standin, "queue")
    shown = text_of(queue)
    assert "double charge" in shown and "12 min ago" in shown
    actions = next(b for b in queue["blocks"] if b["type"] == "actions")
    accept = next(e for e in actions["elements"] if e["action_id"] == ids.HANDOFF_ACCEPT)
    assert accept["value"] == handoff_id
    bot.sender.block_action(ids.HANDOFF_ACCEPT, accept["value"], user_id=SUPERVISOR, channel_id=CHANNEL)
    bot.settle()
    assert bot.run(bot.store.handoff(handoff_id))["state"] == "accepted"


def test_stats_period_and_per_agent_line_for_supervisors_only(make_bot, standin) -> None:  # noqa: ANN001
    bot = make_bot()
    now = time.time()
    bot.run(bot.store.count({"threads_tense": 4, "whispers": 9, "feedback_helpful": 3, "feedback_not_helpful": 1,
                             "trigger:delay": 3, f"boundary:{AGENT}": 2}, now))
    bot.run(bot.store.count({"threads_tense": 5}, now - 20 * 86400))
    bot.sender.command("stats", user_id=AGENT, response_url=standin.response_url("week"))
    week = text_of(answer(standin, "week"))
    assert "Tense threads*: 4" in week and "75% helpful" in week and "delay (3)" in week
    assert "per agent" not in week
    bot.sender.command("stats 30d", user_id=SUPERVISOR, response_url=standin.response_url("month"))
    month = text_of(answer(standin, "month"))
    assert "Tense threads*: 9" in month and f"<@{AGENT}> 2" in month
