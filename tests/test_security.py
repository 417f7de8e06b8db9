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
