"""Issue 15: what the bot keeps and shows of customers' personal data, and who may act on which thread.

Everything here runs the real bot against a real redis-server and the Slack stand-in, with signed requests.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable

import pytest

from bot import ids
from tests.harness import SUPERVISOR, SUPERVISOR_CHANNEL, BotHandle
from tests.signing import message_changed, message_event, new_ts
from tests.standin import SlackStandIn
from tests.test_handoff_flow import is_case, open_modal, submit

SUPPORT = "CSUPPORT"
CUSTOMER = "UCUSTOMER"
AGENT = "UAGENT"

# (what the customer types, pieces of it that must never be found afterwards)
PII: list[tuple[str, tuple[str, ...]]] = [
    ("Hi, you charged my Visa 4111 1111 1111 1111 twice!", ("4111 1111 1111 1111", "4111111111111111")),
    ("And the Amex 3782 822463 10005 too.", ("3782 822463 10005", "378282246310005")),
    ("The other card is 5555 5555\n5555 4444 (split over two lines).", ("5555 5555", "5555 4444")),
    (SPLIT_HEAD := "My backup card is 4012 8888", ("4012 8888",)),  # … and the rest in the next message
    ("8888 1881 as I said", ("8888 1881",)),
    ("Refund to DE89 3704 0044 0532 0130 00 please", ("DE89 3704", "DE89370400440532013000", "0532 0130")),
    ("Mail me at jane.doe@example.com or jane dot doe at example dot com", ("jane.doe", "jane dot doe", "example.com")),
    ("UK: +44 20 7946 0958 or 07700 900123", ("7946 0958", "07700 900123", "900123")),
    ("US: (415) 555-0199, also 415-555-O199", ("555-0199", "555-O199")),
    ("Germany: +49 30 12345678 or 030 12345678", ("12345678",)),
    ("India: +91 98765 43210", ("98765 43210",)),
    ("My SSN is 078-05-1120, or 219-09-9999", ("078-05-1120", "219-09-9999", "1120")),
    ("PAY IT BACK TO DE89 3704 0044 0532 0130 00 NOW!!!", ("DE89",)),
]
FORBIDDEN = sorted({piece for _, pieces in PII for piece in pieces}, key=len)


def _leaks(text: str) -> list[str]:
    squashed = text.replace("\\n", "\n")  # JSON-encoded line breaks
    return [p for p in FORBIDDEN if p in text or p in squashed]


def _dump_redis(client) -> str:  # noqa: ANN001
    """Every key and every value in Redis, as one string."""
    out = []
    for key in client.scan_iter(count=500):
        kind = client.type(key)
        if kind == "string":
            value = client.get(key)
        elif kind == "hash":
            value = client.hgetall(key)
        elif kind == "list":
            value = client.lrange(key, 0, -1)
        elif kind == "zset":
            value = client.zrange(key, 0, -1, withscores=True)
        elif kind == "set":
            value = sorted(client.smembers(key))
        else:
            value = f"<{kind}>"
        out.append(f"{key} = {json.dumps(value, ensure_ascii=False, default=str)}")
    return "\n".join(out)


def _wait_record(bot: BotHandle, root: str, ok: Callable[[dict], bool], what: str) -> None:
    deadline = time.monotonic() + 10
    while not ok(bot.run(bot.store.load_thread(SUPPORT, root))[1] or {}):
        assert time.monotonic() < deadline, f"the thread record never showed {what}"
        time.sleep(0.02)


def _everything_sent(standin: SlackStandIn) -> str:
    return "\n".join(json.dumps(c.params, ensure_ascii=False) for c in standin.calls)


def test_a_thread_full_of_personal_data_leaves_none_in_redis_or_in_whispers(
    make_bot: Callable[..., BotHandle], standin: SlackStandIn, redis_url: str, redis_server
) -> None:  # noqa: ANN001
    bot = make_bot(redis_url)
    client = redis_server.client(decode_responses=True)
    root = new_ts()
    first, *rest = [text for text, _ in PII]
    bot.sender.event(message_event(SUPPORT, CUSTOMER, first, ts=root))
    _wait_record(bot, root, lambda r: len(r.get("lines", [])) == 1, "the first message")
    assert _leaks(_dump_redis(client)) == []
    # The agent quotes the customer's address back: agents' words are kept (as steps) too.
    reply = "I'm sorry about this. I'll refund the card 4111 1111 1111 1111 and mail jane.doe@example.com by Friday."
    bot.sender.event(message_event(SUPPORT, AGENT, reply, thread_ts=root))
    _wait_record(bot, root, lambda r: AGENT in r.get("agents", []), "the agent")
    for n, text in enumerate(rest, start=2):
        ts = new_ts()
        bot.sender.event(message_event(SUPPORT, CUSTOMER, text, ts=ts, thread_ts=root))
        _wait_record(bot, root, lambda r, ts=ts: any(ts in json.dumps(line) for line in r.get("lines", [])), f"message {n}")
        # The record keeps the last five customer messages: look after each one, before it rotates out.
        # (Half a card is only recognisable once the other half arrives: it is checked one message later.)
        waiting = {"4012 8888"} if text == SPLIT_HEAD else set()
        assert [p for p in _leaks(_dump_redis(client)) if p not in waiting] == [], (text, _dump_redis(client))
    # An edit puts personal data back into the latest message.
    last = bot.run(bot.store.load_thread(SUPPORT, root))[1]["lines"][-1]
    last_ts = last["ts"] if isinstance(last, dict) else last[0]
    edit = message_changed(SUPPORT, CUSTOMER, last_ts, "THIS IS RIDICULOUS! my SSN 078-05-1120, card 4111 1111 1111 1111!!!", thread_ts=root)
    bot.sender.event(edit)
    bot.settle()
    time.sleep(0.3)
    bot.settle()

    # A handoff of that thread: prefilled from the record, plus a note and a decline reason with more.
    view = open_modal(bot, standin, root)
    posts = len(standin.calls_to("chat.postMessage", where=is_case))
    note = "Customer gave SSN 219-09-9999 and phone (415) 555-0199; card 4111 1111 1111 1111."
    assert submit(bot, view, note=note).status == 200
    standin.wait_for("chat.postMessage", count=posts + 1, where=is_case)
    bot.settle()
    handoff_id = bot.run(bot.store.thread_handoff(SUPPORT, root))
    assert handoff_id
    bot.sender.block_action(ids.HANDOFF_DECLINE, handoff_id, user_id=SUPERVISOR, channel_id=SUPERVISOR_CHANNEL, message={"ts": "1.1"})
    reason = {"reason": {"value": {"type": "plain_text_input", "value": "Call them on +44 20 7946 0958 about the Amex 3782 822463 10005"}}}
    assert bot.sender.view_submission(ids.DECLINE_MODAL, reason, user_id=SUPERVISOR, private_metadata=handoff_id).status == 200
    bot.settle()
    bot.run(bot.store.flush())

    dump = _dump_redis(client)
    assert "dx:{t:" in dump and handoff_id in dump and "declined" in dump  # the scan saw what the bot wrote
    # (the IBAN lines have rotated out of the record: it keeps the last five customer messages)
    assert [t for t in ("[card]", "[ssn]", "[email]", "[phone]") if t not in dump] == [], dump
    assert _leaks(dump) == [], dump
    # Nothing the bot sent to Slack (whispers and their "Why" evidence, alerts, the case post) quoted any of it.
    sent = _everything_sent(standin)
    assert standin.calls_to("chat.postEphemeral", where=lambda c: c.params["user"] == AGENT and "blocks" in c.params)
    assert _leaks(sent) == [], [c.params for c in standin.calls if _leaks(json.dumps(c.params, ensure_ascii=False))]


def test_shouted_iban_is_not_quoted_in_the_whisper_evidence(
    make_bot: Callable[..., BotHandle], standin: SlackStandIn, redis_url: str
) -> None:
    bot = make_bot(redis_url)
    root = new_ts()
    bot.sender.event(message_event(SUPPORT, CUSTOMER, "Hello, where is my refund?", ts=root))
    _wait_record(bot, root, lambda r: len(r.get("lines", [])) == 1, "the first message")
    bot.sender.event(message_event(SUPPORT, AGENT, "Let me check that for you.", thread_ts=root))
    _wait_record(bot, root, lambda r: AGENT in r.get("agents", []), "the agent")
    bot.sender.event(message_event(SUPPORT, CUSTOMER, "PAY IT BACK TO DE89 3704 0044 0532 0130 00 NOW!!!", thread_ts=root))
    whisper = standin.wait_for("chat.postEphemeral", where=lambda c: c.params["user"] == AGENT and "blocks" in c.params)[0]
    shown = json.dumps(whisper.params, ensure_ascii=False)
    assert "Why" in shown or "why" in shown.lower()
    assert not re.search(r"DE\s?89", shown), shown


# ---- item 8: commands echo what the typist wrote ------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        "check Calm down, I already refunded card 4111 1111 1111 1111 and wrote to jane.doe@example.com",
        "apology double charge on 4111 1111 1111 1111 for jane.doe@example.com",
        "boundary 2 jane.doe@example.com 4111111111111111",
    ],
    ids=["check", "kind", "boundary-step"],
)
def test_commands_do_not_echo_the_typists_card_or_address(make_bot: Callable[..., BotHandle], command: str) -> None:
    bot = make_bot()
    answer = bot.sender.command(command)
    assert answer.status == 200
    shown = answer.body
    assert "4111" not in shown and "jane.doe" not in shown and "example.com" not in shown, shown
    assert "[card]" in shown or "[email]" in shown
    # The "Another" button carries the context; a click on it must not bring the words back either.
    if "phrases_another" in shown:
        value = next(e["value"] for b in answer.json()["blocks"] if b["type"] == "actions" for e in b["elements"])
        assert "4111" not in value and "jane.doe" not in value


def test_a_forged_another_button_cannot_bring_a_card_back() -> None:
    from bot.commands import decode_another

    decoded = decode_another(json.dumps({"k": "apology", "c": "refund 4111 1111 1111 1111 now", "o": []}))
    assert decoded is not None and decoded[0].context == "refund [card] now"


# ---- items 2 and 6: who may act on a thread named in a request ---------------------------------------

OUTSIDER = "UOUTSIDER"
SECRET_LINE = "My refund for order 4411 never came and I am furious about the Tuesday delivery"


def _thread_with_agent(bot: BotHandle, *lines: str) -> str:
    root = new_ts()
    bot.sender.event(message_event(SUPPORT, CUSTOMER, SECRET_LINE, ts=root))
    _wait_record(bot, root, lambda r: len(r.get("lines", [])) == 1, "the first message")
    bot.sender.event(message_event(SUPPORT, AGENT, "I'm sorry, let me look into it.", thread_ts=root))
    _wait_record(bot, root, lambda r: AGENT in r.get("agents", []), "the agent")
    for n, line in enumerate(lines, start=2):
        bot.sender.event(message_event(SUPPORT, CUSTOMER, line, thread_ts=root))
        _wait_record(bot, root, lambda r, n=n: len(r.get("lines", [])) == n, f"message {n}")
    bot.settle()
    return root


def _permalink(root: str) -> str:
    return f"<https://standin.slack.com/archives/{SUPPORT}/p{root.replace('.', '')}|thread>"


def _request_values(issue: str = "Refund over my limit") -> dict:
    text = lambda v: {"value": {"type": "plain_text_input", "value": v}}  # noqa: E731
    return {
        "issue": text(issue), "wanted": text("refund"), "steps": text(""), "note": text(""),
        "severity": {"value": {"type": "static_select", "selected_option": {"value": "high"}}},
    }  # fmt: skip


def test_handoff_command_needs_an_agent_of_the_thread_or_a_supervisor(
    make_bot: Callable[..., BotHandle], standin: SlackStandIn
) -> None:
    bot = make_bot()
    root = _thread_with_agent(bot)
    url = standin.response_url("outsider")
    assert bot.sender.command(f"handoff {_permalink(root)}", user_id=OUTSIDER, response_url=url).status == 200
    refusal = standin.wait_for("response_url", where=lambda c: c.tag == "outsider")[0].params
    assert "agents" in refusal["text"] and "furious" not in json.dumps(refusal)
    standin.assert_no_call("views.open", within=0.5)
    # The thread's agent and a supervisor get the prefilled form.
    for user in (AGENT, SUPERVISOR):
        before = len(standin.calls_to("views.open"))
        bot.sender.command(f"handoff {_permalink(root)}", user_id=user)
        view = standin.wait_for("views.open", count=before + 1)[-1].params["view"]
        assert "furious" in json.dumps(view)


def test_an_existing_handoff_is_shown_only_to_the_threads_people(make_bot: Callable[..., BotHandle], standin: SlackStandIn) -> None:
    bot = make_bot()
    root = _thread_with_agent(bot)
    handoff_id, created = bot.run(bot.store.create_handoff(SUPPORT, root, {"channel": SUPPORT, "root_ts": root, "requested_at": str(time.time()),
                                                                          "issue": "Customer furious about refund", "severity": "high"}, {"what": "opened"}))
    assert created
    url = standin.response_url("peek")
    bot.sender.command(f"handoff {_permalink(root)}", user_id=OUTSIDER, response_url=url)
    standin.wait_for("response_url", where=lambda c: c.tag == "peek")
    bot.sender.block_action(ids.START_HANDOFF, f"{SUPPORT}|{root}", user_id=OUTSIDER, channel_id="COTHER", response_url=url)
    standin.wait_for("response_url", count=2, where=lambda c: c.tag == "peek")
    standin.assert_no_call("views.open", within=0.5)


def test_a_forged_submission_cannot_open_a_handoff_for_someone_elses_thread(
    make_bot: Callable[..., BotHandle], standin: SlackStandIn
) -> None:
    bot = make_bot()
    root = _thread_with_agent(bot)
    answer = bot.sender.view_submission(ids.HANDOFF_MODAL, _request_values(), user_id=OUTSIDER, private_metadata=f"{SUPPORT}|{root}|{OUTSIDER}")
    assert answer.status == 200 and answer.json()["response_action"] == "errors", answer.body
    bot.settle()
    assert bot.run(bot.store.thread_handoff(SUPPORT, root)) is None
    standin.assert_no_call("chat.postMessage", within=0.3, where=is_case)


@pytest.mark.parametrize(
    "metadata",
    ["<!channel>|1700000000.000100|UAGENT", "C1|<http://evil.example|bank>|UAGENT", f"{SUPERVISOR_CHANNEL}|1700000000.000100|UAGENT", "nothing"],
    ids=["markup-channel", "markup-ts", "supervisor-channel", "no-separator"],
)
def test_a_forged_submission_naming_no_real_thread_is_refused(
    make_bot: Callable[..., BotHandle], standin: SlackStandIn, metadata: str
) -> None:
    bot = make_bot()
    answer = bot.sender.view_submission(ids.HANDOFF_MODAL, _request_values(), user_id=SUPERVISOR, private_metadata=metadata)
    assert answer.status == 200 and answer.json()["response_action"] == "errors", answer.body
    bot.settle()
    assert bot.run(bot.store.open_handoffs()) == []
    standin.assert_no_call("chat.postMessage", within=0.3, where=is_case)


def test_a_stored_channel_with_markup_is_shown_escaped_in_the_queue_and_app_home(
    make_bot: Callable[..., BotHandle], standin: SlackStandIn
) -> None:
    bot = make_bot()
    fields = {"channel": "<!channel>", "root_ts": "1700000000.000100", "requested_at": str(time.time()), "issue": "x",
              "severity": "high", "permalink": "<http://evil.example|bank>"}
    bot.run(bot.store.create_handoff("<!channel>", "1700000000.000100", fields, {"what": "opened"}))
    bot.sender.command("handoffs", user_id=SUPERVISOR, response_url=standin.response_url("queue"))
    queue = json.dumps(standin.wait_for("response_url", where=lambda c: c.tag == "queue")[0].params, ensure_ascii=False)
    bot.sender.event({"type": "app_home_opened", "user": SUPERVISOR, "channel": "D0HOME", "tab": "home", "event_ts": f"{time.time():.6f}"})
    standin.wait_for("views.publish")
    home = json.dumps(standin.home_view(SUPERVISOR)["blocks"], ensure_ascii=False)
    for shown in (queue, home):
        assert "<!channel>" not in shown and "<#<" not in shown and "evil.example|" not in shown, shown
        assert "&lt;!channel&gt;" in shown


def test_forged_whisper_buttons_reveal_nothing_of_another_thread(make_bot: Callable[..., BotHandle], standin: SlackStandIn) -> None:
    bot = make_bot()
    root = _thread_with_agent(bot, "This is the THIRD time I'm asking!!! Nobody answers.", "I want my money back by Friday or I'm calling my lawyer.")
    standin.wait_for("chat.postEphemeral", where=lambda c: c.params["user"] == AGENT and "blocks" in c.params)
    before = bot.run(bot.store.load_thread(SUPPORT, root))
    url = standin.response_url("forged")
    for action in (ids.WHISPER_ANOTHER, ids.WHISPER_HELPFUL):
        bot.sender.block_action(action, f"{SUPPORT}|{root}|1", user_id=OUTSIDER, channel_id="COTHER", response_url=url)
    answers = standin.wait_for("response_url", count=2, where=lambda c: c.tag == "forged")
    shown = json.dumps([c.params for c in answers], ensure_ascii=False)
    assert "Suggestion" not in shown and "Why" not in shown and "lawyer" not in shown, shown
    bot.settle()
    assert bot.run(bot.store.load_thread(SUPPORT, root))[0] == before[0]  # no feedback counted, nothing re-offered
    # The thread's own agent still gets another suggestion.
    bot.sender.block_action(ids.WHISPER_ANOTHER, f"{SUPPORT}|{root}|1", user_id=AGENT, channel_id=SUPPORT, response_url=standin.response_url("own"))
    own = standin.wait_for("response_url", where=lambda c: c.tag == "own")[0].params
    assert own.get("blocks"), own
