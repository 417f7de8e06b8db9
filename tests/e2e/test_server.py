"""The HTTP endpoint as Slack uses it: signed requests in, 4xx for anything forged or malformed, health and metrics."""

from __future__ import annotations

import json
import time
import urllib.request

import pytest

from tests.support.harness import BotHandle


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _metric(bot: BotHandle, name: str, **labels: str) -> float:
    status, text = _get(bot.url + "/metrics")
    assert status == 200
    want = ",".join(f'{k}="{v}"' for k, v in labels.items())
    for line in text.splitlines():
        if line.startswith(name) and (not labels or "{" + want + "}" in line or want in line):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_url_verification_is_answered(bot: BotHandle) -> None:
    answer = bot.sender.url_verification("challenge-123")
    assert answer.status == 200
    assert answer.json()["challenge"] == "challenge-123"


def test_forged_signature_is_rejected(bot: BotHandle) -> None:
    body = json.dumps({"type": "url_verification", "challenge": "x"}).encode()
    answer = bot.sender.raw(body, {"Content-Type": "application/json", "X-Slack-Signature": "v0=" + "0" * 64})
    assert answer.status == 401
    assert "challenge" not in answer.body


def test_stale_timestamp_is_rejected(bot: BotHandle) -> None:
    body = json.dumps({"type": "url_verification", "challenge": "x"}).encode()
    answer = bot.sender.raw(body, {"Content-Type": "application/json"}, timestamp=int(time.time()) - 6 * 60)
    assert answer.status == 401


@pytest.mark.parametrize(
    ("body", "headers", "sign", "expected"),
    [
        (b'{"type": "url_verification"', {"Content-Type": "application/json"}, True, 400),
        (b"payload=%7Bnot-json", {"Content-Type": "application/x-www-form-urlencoded"}, True, 400),
        (b'{"type": "url_verification", "challenge": "x"}', {"Content-Type": "text/plain"}, True, 400),
        (b'{"type": "url_verification", "challenge": "x"}', {"Content-Type": "application/json"}, False, 401),
        (b"\xff\xfe\x00garbage", {"Content-Type": "application/json"}, True, 400),
        (b'{"x": "' + b"a" * (1024 * 1024 + 10) + b'"}', {"Content-Type": "application/json"}, True, 413),
    ],
    ids=["truncated-json", "bad-form-payload", "wrong-content-type", "unsigned", "not-utf8", "over-1MB"],
)
def test_malformed_requests_get_4xx_without_traceback(
    bot: BotHandle, body: bytes, headers: dict[str, str], sign: bool, expected: int
) -> None:
    answer = bot.sender.raw(body, headers, sign=sign)
    assert answer.status == expected
    assert "Traceback" not in answer.body and "File \"" not in answer.body
    # and the bot is still healthy afterwards
    assert _get(bot.url + "/healthz")[0] == 200


def test_retried_event_is_processed_once(bot: BotHandle, standin) -> None:  # noqa: ANN001
    event = {"type": "reaction_added", "user": "U1", "reaction": "eyes", "item": {"type": "message", "channel": "C1", "ts": "1.1"}}
    first = bot.sender.event(event, event_id="EvRETRY1")
    again = bot.sender.event(event, event_id="EvRETRY1", retry_num=1)
    other = bot.sender.event(event, event_id="EvOTHER2")
    assert (first.status, again.status, other.status) == (200, 200, 200)
    assert _metric(bot, "deescalate_duplicate_events_total") == 1


def test_healthz_reports_store_and_mode(bot: BotHandle) -> None:
    status, body = _get(bot.url + "/healthz")
    health = json.loads(body)
    assert status == 200 and health["ok"] and health["store"] == "up" and health["mode"] == "http"
    assert health["persistent"] == (bot.config.redis_url is not None)


def test_metrics_exposes_the_counters_operators_need(bot: BotHandle) -> None:
    bot.sender.url_verification("x")
    status, text = _get(bot.url + "/metrics")
    assert status == 200
    for name in (
        "deescalate_events_received_total",
        "deescalate_whispers_sent_total",
        "deescalate_handoffs_opened_total",
        "deescalate_handler_errors_total",
        "deescalate_handler_latency_seconds",
    ):
        assert f"# TYPE {name.removesuffix('_total')}" in text, name


def test_unknown_event_and_action_types_are_quietly_acknowledged(bot: BotHandle) -> None:
    assert bot.sender.event({"type": "something_new", "x": 1}).status == 200
    answer = bot.sender.block_action("no_such_action", "v", user_id="U1", channel_id="C1")
    assert answer.status in (200, 404)
    assert "Traceback" not in answer.body


def _angry_thread(bot: BotHandle) -> tuple[str, str]:
    from tests.support.signing import message_event

    root = f"1700000{int(time.time() * 1000) % 10_000_000:07d}.000100"
    bot.sender.event(message_event("CSERVER1", "UCUST1", "Hello, my parcel has not arrived.", ts=root))
    bot.sender.event(message_event("CSERVER1", "UAGENT1", "Looking into it now.", thread_ts=root, parent_user_id="UCUST1"))
    bot.settle()
    return root, "This is UNACCEPTABLE!!! I have been waiting for weeks, the worst service ever!!!"


def test_a_message_is_answered_once_its_quick_work_is_done(bot: BotHandle, standin) -> None:  # noqa: ANN001
    from tests.support.signing import message_event

    root, angry = _angry_thread(bot)
    answer = bot.sender.event(message_event("CSERVER1", "UCUST1", angry, thread_ts=root, parent_user_id="UCUST1"))
    assert answer.status == 200
    # The whisper was sent before Slack got its answer: the bot holds back a burst at the sender.
    assert standin.calls_to("chat.postEphemeral", where=lambda c: c.params.get("thread_ts") == root)


def test_slow_work_never_holds_the_answer_and_filtered_messages_are_answered_at_once(
    make_bot, standin, monkeypatch  # noqa: ANN001
) -> None:
    from shell import server
    from tests.support.signing import bot_message, message_event

    monkeypatch.setattr(server, "ACK_WAIT_SECONDS", 0.3)
    bot = make_bot()
    root, angry = _angry_thread(bot)
    standin.delay("chat.postEphemeral", seconds=3, times=1)
    started = time.monotonic()
    assert bot.sender.event(message_event("CSERVER1", "UCUST1", angry, thread_ts=root, parent_user_id="UCUST1")).status == 200
    assert time.monotonic() - started < 2.5  # answered at the wait limit, while Slack still stalls
    standin.wait_for("chat.postEphemeral", timeout=10, where=lambda c: c.params.get("thread_ts") == root)
    # Our own posts are dropped by Bolt before any listener: nothing to wait for, even with a long limit.
    monkeypatch.setattr(server, "ACK_WAIT_SECONDS", 5.0)
    started = time.monotonic()
    assert bot.sender.event(bot_message("CSERVER1", "posted by us", bot_id="BBOT", user="UBOT")).status == 200
    assert time.monotonic() - started < 2.5
