"""Socket Mode as Slack runs it: `deescalate serve` with an app token opens a websocket to the stand-in,
acknowledges every envelope fast (even ones nobody listens to), and processes a redelivery once."""

from __future__ import annotations

import time
import urllib.request
from collections.abc import Iterator

import pytest

from tests.support.harness import ServeProcess, bot_env
from tests.support.signing import SignedSender, message_event
from tests.support.standin import SlackStandIn

BUILD = SignedSender("http://unused", "unused")  # builds Slack's payloads; Socket Mode needs no signature


def _metric(url: str, name: str) -> float:
    with urllib.request.urlopen(url + "/metrics", timeout=5) as answer:
        for line in answer.read().decode().splitlines():
            if line.startswith(name + " ") or line.startswith(name + "{"):
                return float(line.rsplit(" ", 1)[1])
    return 0.0


@pytest.fixture
def socket_bot(standin: SlackStandIn, redis_url: str) -> Iterator[ServeProcess]:
    process = ServeProcess(bot_env(standin, redis_url, SLACK_APP_TOKEN=standin.app_token))
    try:
        standin.wait_for_sockets(1)
        yield process
    finally:
        process.stop()


def test_bot_token_cannot_open_a_socket(standin: SlackStandIn) -> None:
    from slack_sdk import WebClient
    from slack_sdk.errors import SlackApiError

    with pytest.raises(SlackApiError, match="not_allowed_token_type"):
        WebClient(token=standin.bot_token, base_url=standin.api_url).apps_connections_open(app_token=standin.bot_token)


def test_serve_connects_and_acknowledges_every_envelope(socket_bot: ServeProcess, standin: SlackStandIn) -> None:
    standin.wait_for("apps.connections.open")
    unknown = standin.socket_event(BUILD.event_request({"type": "something_new", "x": 1}).sent)
    reaction = standin.socket_event(
        BUILD.event_request({"type": "reaction_added", "user": "U1", "reaction": "eyes", "item": {}}).sent
    )
    shortcut = standin.socket_interactive({"type": "shortcut", "callback_id": "no_such_shortcut", "user": {"id": "U1"}})
    for envelope in (unknown, reaction, shortcut):
        standin.wait_for_ack(envelope, timeout=10)
    # The health endpoint still runs next to the socket, and says which mode this is.
    with urllib.request.urlopen(socket_bot.url + "/healthz", timeout=5) as answer:
        assert b'"mode": "socket"' in answer.read()


def test_slash_command_reply_rides_on_the_ack(socket_bot: ServeProcess, standin: SlackStandIn) -> None:
    envelope = standin.socket_command(BUILD.command_request("help", user_id="U_AGENT").sent)
    ack = standin.wait_for_ack(envelope, timeout=10)
    assert isinstance(ack.payload, dict) and ack.payload.get("response_type") == "ephemeral"
    assert "deescalate" in str(ack.payload)


def test_redelivered_envelope_is_processed_once(socket_bot: ServeProcess, standin: SlackStandIn) -> None:
    body = BUILD.event_request({"type": "reaction_added", "user": "U1", "reaction": "x", "item": {}}, event_id="EvSOCK1").sent
    first = standin.socket_event(body)
    again = standin.socket_event(body, retry_attempt=1, retry_reason="timeout")
    standin.wait_for_ack(first, timeout=10)
    standin.wait_for_ack(again, timeout=10)
    deadline = time.monotonic() + 10
    while _metric(socket_bot.url, "deescalate_duplicate_events_total") < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _metric(socket_bot.url, "deescalate_duplicate_events_total") == 1


def test_angry_message_over_the_socket_gets_one_whisper(
    socket_bot: ServeProcess, standin: SlackStandIn, redis_url: str
) -> None:
    from tests.e2e.test_replicas import _wait_version

    root = "1700000100.000100"
    standin.socket_event(BUILD.event_request(message_event("C_SUPPORT", "U_CUSTOMER", "My order never arrived.", ts=root)).sent)
    _wait_version(redis_url, "C_SUPPORT", root, 1)
    standin.socket_event(
        BUILD.event_request(message_event("C_SUPPORT", "U_AGENT", "Sorry to hear that, checking now.", thread_ts=root)).sent
    )
    _wait_version(redis_url, "C_SUPPORT", root, 2)
    angry = BUILD.event_request(
        message_event(
            "C_SUPPORT",
            "U_CUSTOMER",
            "This is RIDICULOUS. Third time I'm asking, nobody helps, I want a refund NOW or I'm cancelling!!!",
            thread_ts=root,
        )
    ).sent
    first = standin.socket_event(angry)
    standin.socket_event(angry, retry_attempt=1, retry_reason="timeout")  # Slack redelivers with a new envelope id
    standin.wait_for_ack(first, timeout=10)
    whispers = standin.wait_for("chat.postEphemeral", timeout=10, where=lambda c: c.params["user"] == "U_AGENT")
    standin.assert_no_call(
        "chat.postEphemeral", within=1.0, where=lambda c: c.params["user"] == "U_AGENT" and c not in whispers
    )
