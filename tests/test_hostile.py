"""Hostile and malformed input at the bot's front door and in customers' words.

The front door: any bytes, headers and content types — signed or not — and any JSON Slack could
conceivably send get a 2xx or a 4xx, never a 500 or a traceback. Customers' words: mentions, links,
mrkdwn, invisible characters, 40,000 characters, broken UTF-16 and personal data in many formats go
through the whole bot, and no message it sends to Slack carries them live or unredacted."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import ids
from bot.safety import has_live_markup
from tests.harness import SUPERVISOR, SUPERVISOR_CHANNEL, BotHandle
from tests.signing import message_event, new_ts
from tests.standin import SlackStandIn
from tests.test_faults import AGENT, CUSTOMER, get

SUPPORT = "CSUPPORT1"  # a real-looking channel id, so thread links to it parse

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
CONTENT_TYPES = ["application/json", "application/x-www-form-urlencoded", "text/plain", "multipart/form-data", "", "application/json; charset=utf-16"]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=20,
)


def _no_crash(answer: Any) -> None:
    assert answer.status < 500, (answer.status, answer.body[:300])
    assert "Traceback" not in answer.body and 'File "' not in answer.body


@pytest.fixture
def fuzz_bot(make_bot: Callable[..., BotHandle]) -> BotHandle:
    return make_bot()


# ---- the front door ----------------------------------------------------------------------------------


@FUZZ
@given(
    body=st.binary(max_size=400),
    content_type=st.sampled_from(CONTENT_TYPES),
    sign=st.booleans(),
    timestamp=st.one_of(st.none(), st.sampled_from(["", "abc", "-1", "0", "99999999999999999999", "1.5"])),
    extra=st.dictionaries(st.sampled_from(["X-Slack-Retry-Num", "X-Slack-Retry-Reason", "Content-Encoding", "X-Slack-Signature"]),
                          st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=20), max_size=2),
)
def test_any_bytes_and_headers_get_4xx_or_quiet_2xx(fuzz_bot: BotHandle, body: bytes, content_type: str, sign: bool,
                                                     timestamp: str | None, extra: dict[str, str]) -> None:
    headers = {"Content-Type": content_type, **extra}
    if timestamp is not None:
        headers["X-Slack-Request-Timestamp"] = timestamp
    answer = fuzz_bot.sender.raw(body, headers, sign=sign)
    _no_crash(answer)
    if not sign or timestamp is not None or "X-Slack-Signature" in extra:
        assert answer.status >= 400  # nothing unsigned, stale or forged is ever acted on


@FUZZ
@given(envelope=st.dictionaries(st.sampled_from(["type", "event", "event_id", "team_id", "authorizations", "challenge", "api_app_id"]),
                                json_values, max_size=6),
       event=st.dictionaries(st.sampled_from(["type", "subtype", "channel", "user", "text", "ts", "thread_ts", "bot_id", "message",
                                              "previous_message", "channel_type", "files"]), json_values, max_size=8))
def test_signed_json_of_any_shape_is_never_a_server_error(fuzz_bot: BotHandle, envelope: dict, event: dict) -> None:
    _no_crash(fuzz_bot.sender.raw(json.dumps(envelope).encode(), {"Content-Type": "application/json"}))
    wrapped = {**envelope, "type": "event_callback", "event": event, "event_id": "Ev" + new_ts()}
    _no_crash(fuzz_bot.sender.raw(json.dumps(wrapped).encode(), {"Content-Type": "application/json"}))


@FUZZ
@given(payload=st.dictionaries(st.sampled_from(["type", "user", "actions", "view", "callback_id", "trigger_id", "channel",
                                                "message", "container", "response_url", "team"]), json_values, max_size=8),
       kind=st.sampled_from(["block_actions", "view_submission", "message_action", "shortcut", "view_closed", "block_suggestion"]),
       action=st.sampled_from([ids.HANDOFF_ACCEPT, ids.WHISPER_ANOTHER, ids.WHISPER_HELPFUL, ids.START_HANDOFF, "x"]),
       command_text=st.text(max_size=80))
def test_signed_interactions_and_commands_of_any_shape_are_never_a_server_error(
    fuzz_bot: BotHandle, payload: dict, kind: str, action: str, command_text: str
) -> None:
    shaped = {**payload, "type": kind}
    if kind == "block_actions" and not isinstance(payload.get("actions"), list):
        shaped["actions"] = [{"action_id": action, "value": payload.get("callback_id"), "type": "button"}]
    if kind == "view_submission":
        shaped.setdefault("view", {"callback_id": ids.HANDOFF_MODAL, "private_metadata": payload.get("callback_id"), "state": payload.get("view")})
    form = urlencode({"payload": json.dumps(shaped)}).encode()
    _no_crash(fuzz_bot.sender.raw(form, {"Content-Type": "application/x-www-form-urlencoded"}))
    _no_crash(fuzz_bot.sender.command(command_text, user_id=str(payload.get("user") or "U1")[:12]))
    assert get(fuzz_bot.url + "/healthz")[0] == 200


# ---- customers' words --------------------------------------------------------------------------------

ZW_BIDI = "\u200b\u200c\u200d\u2060\ufeff\u202e\u2066\u2069"
HOSTILE_LINES = (
    "<!channel> <!everyone> <!here> my refund is 3 weeks late and <@U0CEO> and <#C0FINANCE|finance> should know!!!",
    f"*THIS IS A SCAM* ~really~ `rm -rf` > quote <http://evil.example/login|your bank> <mailto:x@evil.example|support>{ZW_BIDI}",
    f"<{ZW_BIDI}!channel> <!subteam^S0ALL> &lt;!here&gt; THIRD time asking, I want a refund NOW or I'm calling my lawyer!!!",
)
PII = {
    "card, spaced": "4111 1111 1111 1111",
    "card, dashed": "5500-0000-0000-0004",
    "card, dotted": "4012.8888.8888.1881",
    "card, solid": "378282246310005",
    "iban, spaced": "DE89 3704 0044 0532 0130 00",
    "iban, solid": "GB82WEST12345698765432",
    "email": "jane.doe+refunds@example.co.uk",
    "email, caps": "JOHN_SMITH@Mail.Example.COM",
    "phone, e164": "+14155550100",
    "phone, spaced": "+44 20 7946 0958",
    "phone, us parens": "(415) 555-0123",
    "phone, dotted": "415.555.0199",
    "phone, de": "030 12345678",
}
PII_TELLS = ("4111", "5500-0000", "8888.1881", "378282246", "3704 0044", "WEST1234", "jane.doe", "JOHN_SMITH", "4155550100",
             "7946 0958", "555-0123", "555.0199", "12345678")
# Slack message timestamps ("1796241114.000012"), epoch seconds and permalinks ("/p1796241114000012") come from the
# clock, so their digits can spell a tell by chance: they are the bot's own ids, not customer text.
_SLACK_TS = re.compile(r"(?<![\d.])1[6-9]\d{8}(?:\.\d+)?(?!\d)|(?<=/p)\d{16}\b")


def _mrkdwn_strings(node: Any, inside_mrkdwn: bool = False) -> list[str]:
    """Every string Slack would render as mrkdwn (plain_text and input values do not render markup)."""
    if isinstance(node, dict):
        if node.get("type") == "plain_text" or node.get("type", "").endswith("_input"):
            return []
        mrkdwn = node.get("type") == "mrkdwn"
        return [s for k, v in node.items() if k not in ("type", "action_id", "block_id", "value", "url", "private_metadata")
                for s in _mrkdwn_strings(v, mrkdwn)]
    if isinstance(node, (list, tuple)):
        return [s for v in node for s in _mrkdwn_strings(v, inside_mrkdwn)]
    return [node] if isinstance(node, str) else []


def _ours_removed(text: str) -> str:
    # The bot's own mentions and the permalinks it asked Slack for are allowed markup.
    for user in (CUSTOMER, AGENT, SUPERVISOR, "UAGENT2"):
        text = text.replace(f"<@{user}>", "")
    while "<https://standin.slack.com/" in text:
        start = text.index("<https://standin.slack.com/")
        text = text[:start] + text[text.index(">", start) + 1 :]
    return text.replace(f"<#{SUPPORT}>", "").replace(f"<#{SUPERVISOR_CHANNEL}>", "")


def test_hostile_customer_words_are_neutralised_and_redacted_everywhere_the_bot_speaks(
    make_bot: Callable[..., BotHandle], standin: SlackStandIn
) -> None:
    bot = make_bot()
    pii_line = "Pay me back: " + "; ".join(f"{name}: {value}" for name, value in PII.items())
    huge = ("I am furious, this is a scam!!! " + ZW_BIDI + "<!channel> ") * 1100  # ~40,000 characters
    lone_surrogates = json.dumps(message_event(SUPPORT, CUSTOMER, "x")).replace('"x"', '"broken \\ud800 half \\udfff pair, REFUND NOW!!!"')

    # A thread with nobody answering (the unattended alert quotes why), then one with an agent (whispers).
    alone = new_ts()
    bot.sender.event(message_event(SUPPORT, CUSTOMER, HOSTILE_LINES[0], ts=alone))
    for line in HOSTILE_LINES[1:]:
        bot.sender.event(message_event(SUPPORT, CUSTOMER, line, thread_ts=alone))
    bot.settle(timeout=15)
    bot.advance(bot.config.unattended_minutes * 60 + 5)  # nobody picked it up within the grace
    standin.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == SUPERVISOR_CHANNEL)
    bot.sender.event(message_event(SUPPORT, CUSTOMER, pii_line, thread_ts=alone))
    bot.settle(timeout=15)
    root = new_ts()
    bot.sender.event(message_event(SUPPORT, CUSTOMER, pii_line, ts=root))
    bot.settle(timeout=15)
    bot.sender.event(message_event(SUPPORT, AGENT, "Sorry about this, checking right now.", thread_ts=root))
    bot.settle(timeout=15)
    for line in (*HOSTILE_LINES, huge, pii_line):
        assert bot.sender.event(message_event(SUPPORT, CUSTOMER, line, thread_ts=root)).status == 200
    surrogate = json.loads(lone_surrogates)
    surrogate["thread_ts"] = root
    body = json.dumps(bot.sender.event_request(surrogate).sent).encode()
    assert bot.sender.raw(body, {"Content-Type": "application/json"}).status == 200
    bot.settle(timeout=15)
    standin.wait_for("chat.postEphemeral", where=lambda c: c.params["user"] == AGENT)

    # The agent asks for the thread's status and hands it to a supervisor, who reads the case post.
    link = f"https://standin.slack.com/archives/{SUPPORT}/p{root.replace('.', '')}"
    status = bot.sender.command(f"status {link}", user_id=AGENT, channel_id=SUPPORT)
    assert status.status == 200
    bot.sender.message_shortcut(ids.HANDOFF_SHORTCUT, user_id=AGENT, channel_id=SUPPORT, message_ts=root, thread_ts=root)
    view = standin.wait_for("views.open")[-1].params["view"]
    values = {}
    for block in view["blocks"]:
        if block["type"] == "input":
            element = block["element"]
            if element["type"] == "static_select":
                values[block["block_id"]] = {"value": {"type": "static_select", "selected_option": element.get("initial_option") or {"value": "high"}}}
            else:
                values[block["block_id"]] = {"value": {"type": "plain_text_input", "value": element.get("initial_value") or HOSTILE_LINES[0]}}
    assert bot.sender.view_submission(ids.HANDOFF_MODAL, values, user_id=AGENT, private_metadata=view["private_metadata"]).status == 200
    standin.wait_for("chat.postMessage", count=2, timeout=10, where=lambda c: c.params["channel"] == SUPERVISOR_CHANNEL)
    bot.settle(timeout=15)

    errors = [ln for ln in get(bot.url + "/metrics")[1].splitlines() if ln.startswith("deescalate_handler_errors_total")]
    assert errors == [], errors  # no listener crashed on any of it (e.g. on broken UTF-16)
    spoken = [(c.method, c.params) for c in standin.calls if c.method in ("chat.postMessage", "chat.postEphemeral", "chat.update", "response_url")]
    spoken.append(("command answer", status.json() if status.body.strip().startswith("{") else {"text": status.body}))
    assert len(spoken) >= 4, spoken
    for method, params in spoken:
        everything = _SLACK_TS.sub("<ts>", json.dumps(params, ensure_ascii=False))
        for tell in PII_TELLS:
            assert tell not in everything, (method, tell, everything[:400])
        assert "\ud800" not in everything and "\u202e" not in everything and "\u200b" not in everything, method
        assert len(params.get("text") or "") <= 40_000 and len(everything) < 60_000, method
        for text in _mrkdwn_strings([params.get("text") or "", params.get("blocks") or []]):
            cleaned = _ours_removed(text)
            if method.startswith("chat."):  # (command answers also hold the bot's own `<thread link>` usage)
                assert not has_live_markup(cleaned), (method, cleaned[:300])
            for live in ("<!channel>", "<!everyone>", "<!here>", "<@U0CEO>", "<#C0FINANCE", "<http://evil", "<mailto:"):
                assert live not in cleaned, (method, live)


def test_whispers_go_only_to_the_threads_own_agents(make_bot: Callable[..., BotHandle], standin: SlackStandIn) -> None:
    bot = make_bot()
    mine, theirs = new_ts(), new_ts()
    for root, agent in ((mine, AGENT), (theirs, "UAGENT2")):
        bot.sender.event(message_event(SUPPORT, CUSTOMER if root == mine else "UCUSTOMER2", "My order is late.", ts=root))
        bot.settle()
        bot.sender.event(message_event(SUPPORT, agent, "Looking into it.", thread_ts=root))
        bot.settle()
    # A bystander (another agent's thread-mate, a supervisor) says nothing in `mine`.
    bot.sender.event(message_event(SUPPORT, CUSTOMER, HOSTILE_LINES[2], thread_ts=mine))
    bot.settle()
    standin.wait_for("chat.postEphemeral", where=lambda c: c.params.get("thread_ts") == mine)
    standin.assert_no_call("chat.postEphemeral", within=0.5, where=lambda c: c.params.get("thread_ts") == mine and c.params["user"] != AGENT)
    assert not standin.calls_to("chat.postEphemeral", where=lambda c: c.params["user"] in (CUSTOMER, "UAGENT2", SUPERVISOR))
