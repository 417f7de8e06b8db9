"""Tests of the test harness: the Slack stand-in, the signed sender and the throwaway Redis.

If these drift from how Slack and slack_sdk/Bolt really behave, every integration test built on
them proves nothing, so they check the harness against the real client libraries.
"""

from __future__ import annotations

import json
import os
import threading
import time
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from slack_bolt import App, BoltRequest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler, ServerErrorRetryHandler
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook import WebhookClient

from tests.support.redis_server import RedisServer, redis_available
from tests.support.signing import (
    AsyncSignedSender,
    SignedSender,
    bot_message,
    message_changed,
    message_deleted,
    message_event,
    sign,
)
from tests.support.standin import SlackStandIn

SECRET = "test-signing-secret"
_QUICK = FixedValueRetryIntervalCalculator(0.01)
BLOCKS = [{"type": "section", "text": {"type": "mrkdwn", "text": "Try: *I hear you.*"}}]


@pytest.fixture
def client(standin: SlackStandIn) -> WebClient:
    return WebClient(token=standin.bot_token, base_url=standin.api_url, timeout=3)


# ---- Web API answers -------------------------------------------------------------------------


def test_auth_test_identifies_the_bot_and_workspace(client: WebClient) -> None:
    answer = client.auth_test()
    assert (answer["user_id"], answer["bot_id"], answer["team_id"]) == ("UBOT", "BBOT", "T1")


def test_post_message_gives_unique_increasing_ts_and_echoes_the_message(
    client: WebClient, standin: SlackStandIn
) -> None:
    stamps = [client.chat_postMessage(channel="C_SUPPORT", text=f"note {i}")["ts"] for i in range(20)]
    assert stamps == sorted(stamps, key=float) and len(set(stamps)) == 20
    answer = client.chat_postMessage(channel="C_SUPPORT", text="fallback", blocks=BLOCKS, thread_ts=stamps[0])
    assert answer["channel"] == "C_SUPPORT"
    assert answer["message"]["blocks"] == BLOCKS
    assert answer["message"]["thread_ts"] == stamps[0]
    assert answer["message"]["bot_id"] == "BBOT"
    assert standin.message("C_SUPPORT", answer["ts"])["text"] == "fallback"


def test_ts_stay_unique_and_increasing_when_the_clock_stalls_or_steps_back() -> None:
    readings = iter([1_700_000_000.5] * 3 + [1_699_999_999.0] * 3)
    with SlackStandIn(clock=lambda: next(readings)) as frozen:
        client = WebClient(token=frozen.bot_token, base_url=frozen.api_url)
        stamps = [client.chat_postMessage(channel="C1", text="x")["ts"] for _ in range(6)]
    assert stamps[0] == "1700000000.500000"
    assert stamps == sorted(stamps, key=float) and len(set(stamps)) == 6


def test_posting_to_a_user_id_lands_in_that_users_dm(client: WebClient, standin: SlackStandIn) -> None:
    answer = client.chat_postMessage(channel="U_LEAD", text="handoff waiting")
    opened = client.conversations_open(users="U_LEAD")
    assert answer["channel"] == opened["channel"]["id"] == standin.dm_channel("U_LEAD")
    assert answer["channel"].startswith("D")
    assert opened["already_open"] is True
    assert client.conversations_open(users="U_OTHER")["channel"]["id"] != answer["channel"]


def test_blocks_are_recorded_as_objects_from_json_and_form_posts(client: WebClient, standin: SlackStandIn) -> None:
    client.chat_postEphemeral(channel="C_SUPPORT", user="U_AGENT", text="whisper", blocks=BLOCKS)
    # The same call form-encoded, as older code or curl would send it: blocks is a JSON string.
    client.api_call(
        "chat.postEphemeral",
        params={"channel": "C_SUPPORT", "user": "U_AGENT", "text": "whisper", "blocks": json.dumps(BLOCKS)},
    )
    as_json, as_form = standin.wait_for("chat.postEphemeral", count=2)
    assert as_json.params["blocks"] == as_form.params["blocks"] == BLOCKS
    assert as_json.headers["content-type"].startswith("application/json")
    assert as_form.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert as_json.headers["authorization"] == f"Bearer {standin.bot_token}"
    assert as_json.response["message_ts"]


def test_malformed_blocks_are_refused_like_slack_does(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as raised:
        client.api_call("chat.postMessage", params={"channel": "C1", "text": "x", "blocks": "[{not json"})
    assert raised.value.response["error"] == "invalid_blocks"
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="C1", text="x", blocks=[{"type": "section"}] * 51)
    assert raised.value.response["error"] == "invalid_blocks"


def test_update_and_delete_change_what_slack_holds(client: WebClient, standin: SlackStandIn) -> None:
    ts = client.chat_postMessage(channel="C_ESC", text="Handoff: waiting for a lead")["ts"]
    updated = client.chat_update(channel="C_ESC", ts=ts, text="Handoff: accepted by <@U_LEAD>")
    assert updated["ts"] == ts and updated["text"] == "Handoff: accepted by <@U_LEAD>"
    assert standin.message("C_ESC", ts)["text"] == "Handoff: accepted by <@U_LEAD>"
    assert client.chat_delete(channel="C_ESC", ts=ts)["ts"] == ts
    assert standin.message("C_ESC", ts) is None
    with pytest.raises(SlackApiError) as raised:
        client.chat_delete(channel="C_ESC", ts=ts)
    assert raised.value.response["error"] == "message_not_found"


def test_permalink_is_built_from_channel_and_ts(client: WebClient) -> None:
    answer = client.chat_getPermalink(channel="C_SUPPORT", message_ts="1700000000.000100")
    assert answer["permalink"].endswith("/archives/C_SUPPORT/p1700000000000100")


def test_views_get_ids_and_keep_them_across_updates(client: WebClient, standin: SlackStandIn) -> None:
    modal = {"type": "modal", "callback_id": "escalate", "title": {"type": "plain_text", "text": "Escalate"}}
    opened = client.views_open(trigger_id="123.456.abc", view={**modal, "private_metadata": "C1|1.2"})["view"]
    assert opened["id"].startswith("V") and opened["private_metadata"] == "C1|1.2"
    updated = client.views_update(view_id=opened["id"], view={**modal, "blocks": BLOCKS})["view"]
    assert updated["id"] == opened["id"] and standin.view(opened["id"])["blocks"] == BLOCKS
    pushed = client.views_push(trigger_id="123.456.abc", view=modal)["view"]
    assert pushed["id"] not in (opened["id"],)
    with pytest.raises(SlackApiError):
        client.views_open(trigger_id="", view=modal)
    home = {"type": "home", "blocks": BLOCKS}
    first = client.views_publish(user_id="U_AGENT", view=home)["view"]["id"]
    assert client.views_publish(user_id="U_AGENT", view=home)["view"]["id"] == first
    assert standin.home_view("U_AGENT")["blocks"] == BLOCKS


def test_configured_users_groups_and_channels_are_answered(client: WebClient, standin: SlackStandIn) -> None:
    standin.set_user("U_EXT", team_id="T_OTHER", name="guest")
    standin.set_user("B_HELPER", is_bot=True)
    standin.set_usergroup("S_LEADS", ["U_LEAD", "U_LEAD2"])
    standin.set_channel("C_SUPPORT", name="support", members=["U_AGENT", "U_CUSTOMER"])
    assert client.users_info(user="U_EXT")["user"]["team_id"] == "T_OTHER"
    assert client.users_info(user="U_EXT")["user"]["name"] == "guest"
    assert client.users_info(user="B_HELPER")["user"]["is_bot"] is True
    assert client.users_info(user="U_ANYONE")["user"]["team_id"] == "T1"
    assert client.usergroups_users_list(usergroup="S_LEADS")["users"] == ["U_LEAD", "U_LEAD2"]
    assert client.usergroups_users_list(usergroup="S_NOBODY")["users"] == []
    assert client.conversations_info(channel="C_SUPPORT")["channel"]["name"] == "support"
    assert client.conversations_members(channel="C_SUPPORT")["members"] == ["U_AGENT", "U_CUSTOMER"]
    client.chat_postEphemeral(channel="C_SUPPORT", user="U_AGENT", text="ok")
    with pytest.raises(SlackApiError) as raised:
        client.chat_postEphemeral(channel="C_SUPPORT", user="U_STRANGER", text="not here")
    assert raised.value.response["error"] == "user_not_in_channel"


def test_unknown_methods_and_bad_tokens_are_refused(standin: SlackStandIn, client: WebClient) -> None:
    with pytest.raises(SlackApiError) as raised:
        client.api_call("chat.teleport")
    assert raised.value.response["error"] == "unknown_method"
    with pytest.raises(SlackApiError) as raised:
        WebClient(token="xoxb-stolen", base_url=standin.api_url).auth_test()
    assert raised.value.response["error"] == "invalid_auth"
    with pytest.raises(SlackApiError) as raised:
        WebClient(base_url=standin.api_url).auth_test()
    assert raised.value.response["error"] == "not_authed"


async def test_async_client_gets_the_same_answers(standin: SlackStandIn) -> None:
    client = AsyncWebClient(token=standin.bot_token, base_url=standin.api_url, timeout=3)
    assert (await client.auth_test())["user_id"] == "UBOT"
    posted = await client.chat_postMessage(channel="C_SUPPORT", text="hello", blocks=BLOCKS)
    assert posted["message"]["blocks"] == BLOCKS
    assert (await client.users_info(user="U_AGENT"))["user"]["id"] == "U_AGENT"
    [call] = await standin.wait_for_async("chat.postMessage")
    assert call.params["blocks"] == BLOCKS and call.response["ts"] == posted["ts"]
    await standin.assert_no_call_async("chat.delete", within=0.05)


# ---- response_url ----------------------------------------------------------------------------


def test_response_url_posts_are_recorded_with_their_tag(standin: SlackStandIn) -> None:
    answer = WebhookClient(standin.response_url("cmd-1")).send(text="Done", replace_original=True)
    assert answer.status_code == 200
    [call] = standin.wait_for("response_url")
    assert call.tag == "cmd-1"
    assert call.params == {"text": "Done", "replace_original": True}


# ---- failure injection -----------------------------------------------------------------------


def test_fail_applies_to_the_next_n_calls_only(client: WebClient, standin: SlackStandIn) -> None:
    standin.fail("chat.postMessage", error="channel_not_found", times=2)
    for _ in range(2):
        with pytest.raises(SlackApiError) as raised:
            client.chat_postMessage(channel="C_GONE", text="x")
        assert raised.value.response["error"] == "channel_not_found"
    assert client.chat_postMessage(channel="C_GONE", text="x")["ok"]
    assert client.auth_test()["ok"], "other methods are unaffected"
    assert [c.status for c in standin.calls_to("chat.postMessage")] == [200, 200, 200]
    assert [c.response["ok"] for c in standin.calls_to("chat.postMessage")] == [False, False, True]


def test_rate_limit_is_a_429_with_retry_after_that_slack_sdk_honours(standin: SlackStandIn) -> None:
    standin.rate_limit("chat.postEphemeral", retry_after=1)
    retry = RateLimitErrorRetryHandler(max_retry_count=1)
    client = WebClient(token=standin.bot_token, base_url=standin.api_url, retry_handlers=[retry])
    assert client.chat_postEphemeral(channel="C1", user="U1", text="hang in there")["ok"]
    limited, retried = standin.wait_for("chat.postEphemeral", count=2)
    assert (limited.status, retried.status) == (429, 200)
    assert retried.at - limited.at >= 1.0


def test_rate_limit_answer_matches_slacks_wire_format(standin: SlackStandIn) -> None:
    standin.rate_limit("auth.test", retry_after=7)
    request = urllib.request.Request(
        standin.api_url + "auth.test", data=b"", headers={"Authorization": f"Bearer {standin.bot_token}"}
    )
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(request, timeout=3)
    assert raised.value.code == 429
    assert raised.value.headers["Retry-After"] == "7"
    assert json.loads(raised.value.read()) == {"ok": False, "error": "ratelimited"}


def test_server_error_is_retried_by_the_server_error_handler(standin: SlackStandIn) -> None:
    standin.server_error("conversations.open", status=503)
    retry = ServerErrorRetryHandler(max_retry_count=1, interval_calculator=_QUICK)
    client = WebClient(token=standin.bot_token, base_url=standin.api_url, retry_handlers=[retry])
    assert client.conversations_open(users="U1")["ok"]
    assert [c.status for c in standin.calls_to("conversations.open")] == [503, 200]


def test_delay_makes_a_client_time_out_and_later_calls_are_prompt(standin: SlackStandIn) -> None:
    standin.delay("views.open", seconds=2)
    impatient = WebClient(token=standin.bot_token, base_url=standin.api_url, timeout=0.2)
    modal = {"type": "modal", "title": {"type": "plain_text", "text": "x"}}
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        impatient.views_open(trigger_id="t", view=modal)
    assert impatient.views_open(trigger_id="t", view=modal)["ok"]
    assert time.monotonic() - started < 1.5
    assert len(standin.calls_to("views.open")) == 2


def test_stop_is_prompt_even_with_a_stalled_answer_pending(standin: SlackStandIn) -> None:
    standin.delay("auth.test", seconds=30)
    client = WebClient(token=standin.bot_token, base_url=standin.api_url, timeout=10, retry_handlers=[])
    outcome: list[BaseException] = []

    def call() -> None:
        try:
            client.auth_test()
        except Exception as error:  # the point: the caller is released with an error
            outcome.append(error)

    caller = threading.Thread(target=call, daemon=True)
    caller.start()
    standin.wait_for("auth.test")
    started = time.monotonic()
    standin.stop()
    caller.join(timeout=5)
    assert time.monotonic() - started < 1.0
    assert len(outcome) == 1, "the stalled caller got an error instead of an answer"
    with pytest.raises(OSError):
        urllib.request.urlopen(standin.api_url + "auth.test", timeout=1)


# ---- waiting helpers -------------------------------------------------------------------------


def test_wait_for_sees_calls_made_later_from_another_thread(client: WebClient, standin: SlackStandIn) -> None:
    client.api_call("chat.postMessage", params={"channel": "C1", "blocks": json.dumps(BLOCKS)})
    timer = threading.Timer(0.1, lambda: client.chat_postMessage(channel="C1", text="late"))
    timer.start()
    try:
        # The predicate reads a field the earlier call lacks; that call is skipped, not an error.
        [call] = standin.wait_for("chat.postMessage", timeout=3, where=lambda c: c.params["text"] == "late")
    finally:
        timer.join()
    assert call.params["channel"] == "C1"


def test_wait_for_failure_lists_what_was_called(client: WebClient, standin: SlackStandIn) -> None:
    client.chat_postMessage(channel="C1", text="only this")
    with pytest.raises(AssertionError) as raised:
        standin.wait_for("chat.postEphemeral", timeout=0.1)
    assert "chat.postEphemeral" in str(raised.value) and "only this" in str(raised.value)


def test_assert_no_call_catches_calls_that_already_happened(client: WebClient, standin: SlackStandIn) -> None:
    standin.assert_no_call("chat.postMessage", within=0.05)
    client.chat_postMessage(channel="C1", text="oops")
    with pytest.raises(AssertionError, match="oops"):
        standin.assert_no_call("chat.postMessage", within=0.05)
    standin.clear()
    standin.assert_no_call("chat.postMessage", within=0.05)


# ---- signed requests -------------------------------------------------------------------------


def test_signatures_are_accepted_by_slack_sdk_and_tampering_is_caught() -> None:
    sender = SignedSender("http://127.0.0.1:1", SECRET)
    verifier = SignatureVerifier(SECRET)
    requests = [
        sender.event_request(message_event("C1", "U_CUSTOMER", "where is my refund?!")),
        sender.command_request("status"),
        sender.block_action_request("accept_handoff", "case-1", user_id="U_LEAD", channel_id="C_ESC"),
        sender.view_submission_request("escalate", {"reason": {"text": "abusive"}}, user_id="U_AGENT"),
    ]
    for request in requests:
        assert verifier.is_valid_request(request.body, request.headers)
        tampered = request.body.replace(b"U", b"W", 1)
        assert tampered != request.body
        assert not verifier.is_valid_request(tampered, request.headers)
    assert not SignatureVerifier("another-secret").is_valid_request(requests[0].body, requests[0].headers)
    assert sign(SECRET, 1, b"x") != sign(SECRET, 2, b"x")


class _BoltHarness:
    """A Bolt app behind a stdlib HTTP server, recording what its listeners were given."""

    def __init__(self, standin: SlackStandIn) -> None:
        self.seen: list[tuple[str, Any]] = []
        self.app = App(
            signing_secret=SECRET,
            client=WebClient(token=standin.bot_token, base_url=standin.api_url),
        )
        self._register()
        app = self.app

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                answer = app.dispatch(BoltRequest(body=body, headers=dict(self.headers)))
                payload = answer.body.encode()
                self.send_response(answer.status)
                for name, values in answer.headers.items():
                    for value in values:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()

    def _register(self) -> None:
        app, seen = self.app, self.seen

        @app.event("message")
        def on_message(event: dict[str, Any], request: BoltRequest, client: WebClient) -> None:
            seen.append(("message", (event, request.headers.get("x-slack-retry-num"))))
            client.chat_postEphemeral(channel=event["channel"], user="U_AGENT", text="seen")

        @app.command("/deescalate")
        def on_command(ack: Any, command: dict[str, Any], respond: Any) -> None:
            ack()
            seen.append(("command", command))
            respond(text=f"status: {command['text']}")

        @app.action("accept_handoff")
        def on_action(ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
            ack()
            seen.append(("action", (action["value"], body["channel"]["id"], body["user"]["id"])))

        @app.shortcut("escalate_thread")
        def on_shortcut(ack: Any, shortcut: dict[str, Any]) -> None:
            ack()
            seen.append(("shortcut", shortcut))

        @app.view("escalate")
        def on_view(ack: Any, view: dict[str, Any]) -> None:
            ack()
            seen.append(("view", view))

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def wait(self, kind: str, timeout: float = 3.0) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for seen_kind, value in list(self.seen):
                if seen_kind == kind:
                    return value
            time.sleep(0.01)
        raise AssertionError(f"Bolt never ran the {kind} listener; saw {[k for k, _ in self.seen]}")


@pytest.fixture
def bolt(standin: SlackStandIn) -> Iterator[_BoltHarness]:
    harness = _BoltHarness(standin)
    yield harness
    harness.close()


def test_bolt_accepts_sent_events_and_its_replies_reach_the_standin(
    bolt: _BoltHarness, standin: SlackStandIn
) -> None:
    sender = SignedSender(bolt.url, SECRET)
    assert sender.url_verification("abc123").json() == {"challenge": "abc123"}
    thread_ts = "1700000000.000100"
    sent = sender.event(message_event("C_SUPPORT", "U_CUSTOMER", "third time asking", thread_ts=thread_ts))
    assert sent.status == 200 and sent.sent["event_id"].startswith("Ev")
    event, retry_num = bolt.wait("message")
    assert (event["text"], event["thread_ts"], retry_num) == ("third time asking", thread_ts, None)
    standin.wait_for("chat.postEphemeral", where=lambda c: c.params["channel"] == "C_SUPPORT")
    bolt.seen.clear()
    retry = sender.event(sent.sent["event"], event_id=sent.sent["event_id"], retry_num=1)
    assert retry.status == 200 and retry.sent["event_id"] == sent.sent["event_id"]
    assert bolt.wait("message")[1] == ["1"]


def test_bolt_ignores_its_own_messages_as_sent(bolt: _BoltHarness, standin: SlackStandIn) -> None:
    sender = SignedSender(bolt.url, SECRET)
    assert sender.event(bot_message("C_SUPPORT", "our own whisper", user="UBOT", bot_id="BBOT")).status == 200
    assert sender.event(message_event("C_SUPPORT", "U_CUSTOMER", "a person")).status == 200
    bolt.wait("message")
    assert [e["text"] for kind, (e, _) in bolt.seen if kind == "message"] == ["a person"]


def test_bolt_parses_interactive_payloads_as_sent(bolt: _BoltHarness, standin: SlackStandIn) -> None:
    sender = SignedSender(bolt.url, SECRET)
    assert sender.command("status", response_url=standin.response_url("c1")).status == 200
    assert bolt.wait("command")["user_id"] == "U_AGENT"
    [reply] = standin.wait_for("response_url", where=lambda c: c.tag == "c1")
    assert reply.params["text"] == "status: status"

    assert sender.block_action("accept_handoff", "case-7", user_id="U_LEAD", channel_id="C_ESC").status == 200
    assert bolt.wait("action") == ("case-7", "C_ESC", "U_LEAD")

    shortcut = sender.message_shortcut(
        "escalate_thread", user_id="U_AGENT", channel_id="C_SUPPORT", message_ts="1.000200", thread_ts="1.000100"
    )
    assert shortcut.status == 200
    assert bolt.wait("shortcut")["message"]["thread_ts"] == "1.000100"

    values = {"reason": {"reason_text": "threatened a chargeback"}}
    assert sender.view_submission("escalate", values, user_id="U_AGENT", private_metadata="C1|1.2").status == 200
    view = bolt.wait("view")
    assert view["state"]["values"]["reason"]["reason_text"]["value"] == "threatened a chargeback"
    assert view["private_metadata"] == "C1|1.2"


def test_bolt_rejects_forged_and_stale_requests(bolt: _BoltHarness) -> None:
    sender = SignedSender(bolt.url, SECRET)
    body = json.dumps({"type": "url_verification", "challenge": "x"}).encode()
    json_type = {"Content-Type": "application/json"}
    assert sender.raw(body, json_type).status == 200
    assert sender.raw(body, {**json_type, "X-Slack-Signature": "v0=" + "0" * 64}).status == 401
    assert sender.raw(body, json_type, timestamp=int(time.time()) - 600).status == 401
    assert sender.raw(body, json_type, sign=False).status == 401


async def test_async_sender_posts_without_blocking_the_loop(bolt: _BoltHarness) -> None:
    sender = AsyncSignedSender(bolt.url, SECRET)
    assert (await sender.url_verification("hi")).json() == {"challenge": "hi"}
    assert (await sender.event(message_event("C1", "U_CUSTOMER", "async hello"))).status == 200
    assert bolt.wait("message")[0]["text"] == "async hello"


def test_edit_and_delete_event_shapes_point_at_the_original_message() -> None:
    changed = message_changed("C1", "U_CUSTOMER", "1.000100", "calm now", old_text="ANGRY", thread_ts="1.000001")
    assert changed["subtype"] == "message_changed" and changed["ts"] != "1.000100"
    assert changed["message"]["ts"] == "1.000100" and changed["message"]["text"] == "calm now"
    assert changed["previous_message"]["text"] == "ANGRY" and changed["message"]["thread_ts"] == "1.000001"
    deleted = message_deleted("C1", "1.000100", user="U_CUSTOMER")
    assert deleted["deleted_ts"] == "1.000100" and "user" not in deleted
    assert bot_message("D1", "beep")["subtype"] == "bot_message"
    assert message_event("D9", "U1", "hi")["channel_type"] == "im"


# ---- real Redis ------------------------------------------------------------------------------

needs_redis = pytest.mark.skipif(
    not redis_available() and os.environ.get("CI") != "true", reason="redis-server not installed"
)


@needs_redis
def test_redis_aof_keeps_data_across_restart_and_crash() -> None:
    with RedisServer(appendonly=True) as server:
        port = server.port
        with server.client() as client:
            client.set("handoff:case-1", "accepted")
        server.restart()
        assert server.port == port
        with server.client() as client:
            assert client.get("handoff:case-1") == b"accepted"
            client.set("handoff:case-2", "open")
        server.kill()
        assert not server.running
        server.start()
        with server.client() as client:
            assert client.get("handoff:case-2") == b"open"


@needs_redis
def test_redis_without_aof_starts_empty_after_restart() -> None:
    with RedisServer() as server:
        with server.client() as client:
            client.set("k", "v")
        server.restart()
        with server.client() as client:
            assert client.get("k") is None
