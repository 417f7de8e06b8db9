"""Every /deescalate answer is safe Slack text: no raw < or > except the markup the bot means (mentions, channels, links, quotes).

Slack reads `<kind>` or `<thread link>` as a control sequence (a broken link or nothing at all), so usage
text must carry its placeholders as &lt;…&gt;. Checked on what Slack actually receives: the ack body of
each signed command and every response_url post.
"""

from __future__ import annotations

import re
import time
from typing import Any, Iterator

from bot import commands as cmd
from bot import ids
from tests.support.harness import SUPERVISOR
from tests.support.signing import message_event

CHANNEL = "CSUPPORT"
CUSTOMER, AGENT, OUTSIDER = "UCUST", "UAGENT", "UOTHER"
_serial = iter(range(1, 1_000_000))

# The markup the bot itself writes, for the ids in this test only: a customer's or agent's own <@U…> must not survive.
INTENDED = re.compile(
    rf"<@(?:{AGENT}|{SUPERVISOR})>|<#{CHANNEL}>|<https://standin\.slack\.com/archives/{CHANNEL}/p\d+(?:\?[^|<>\s]*)?\|thread>"
)
QUOTE = re.compile(r"^>", re.MULTILINE)  # a block quote opens a line with a raw >


def ts() -> str:
    return f"{int(time.time()) - 600}.{next(_serial):06d}"


def link(root: str) -> str:
    return f"<https://standin.slack.com/archives/{CHANNEL}/p{root.replace('.', '')}|thread>"


def shown_strings(payload: Any) -> Iterator[str]:
    """Every string a person sees: the text fields of a payload and its blocks (not button values or ids)."""
    if isinstance(payload, dict):
        for key, value in payload.items():
            if key == "text" and isinstance(value, str):
                yield value
            elif key not in ("value", "action_id", "block_id", "url", "response_type"):
                yield from shown_strings(value)
    elif isinstance(payload, list):
        for item in payload:
            yield from shown_strings(item)


def stray_brackets(payload: dict) -> list[str]:
    problems = []
    for text in shown_strings(payload):
        left = QUOTE.sub("", INTENDED.sub("", text))
        if "<" in left or ">" in left:
            problems.append(text[:200])
    return problems


def test_no_raw_angle_brackets_in_any_command_answer(make_bot, standin) -> None:  # noqa: ANN001
    bot = make_bot()
    root = ts()
    bot.sender.event(message_event(CHANNEL, CUSTOMER, "Hello, my parcel has not arrived.", ts=root))
    bot.sender.event(message_event(CHANNEL, AGENT, "Hi, I'm looking into it now.", ts=ts(), thread_ts=root))
    bot.sender.event(message_event(CHANNEL, CUSTOMER, "This is UNACCEPTABLE!!! Weeks of waiting <@U0CEO> <!here>!!!", ts=ts(), thread_ts=root))
    bot.settle()
    fields = {"channel": CHANNEL, "root_ts": root, "customer": CUSTOMER, "agent": AGENT, "requested_by": AGENT,
              "requested_at": f"{time.time() - 300:.3f}", "severity": "high", "issue": "late parcel <!channel>",
              "permalink": f"https://standin.slack.com/archives/{CHANNEL}/p{root.replace('.', '')}"}
    bot.run(bot.store.create_handoff(CHANNEL, root, fields, {"who": AGENT, "what": "requested"}))
    bot.run(bot.store.count({"threads_tense": 1, f"boundary:{AGENT}": 1, "trigger:delay": 1}, time.time()))

    asks = [
        ("", AGENT), ("help", AGENT), ("bogus", AGENT), ("apolgy", AGENT), ("<@U0CEO>", AGENT),
        ("apology late delivery", AGENT), ("boundary 2", AGENT), ("boundary 7", AGENT), ("check", AGENT),
        ("check Calm down <@U0CEO>, as I said <!here> it's > 3 days & not our fault", AGENT),
        ("status", AGENT), ("status not-a-link", AGENT), (f"status {link(root)} extra", AGENT),
        ("handoff", AGENT), ("handoffs now", AGENT), ("stats 400d", AGENT),
        (f"status {link(root)}", AGENT), (f"status {link(root)}", OUTSIDER), (f"status {link('1700000000.000001')}", AGENT),
        ("handoffs", AGENT), ("handoffs", SUPERVISOR), ("stats", AGENT), ("stats 30d", SUPERVISOR),
    ]
    answers: list[tuple[str, dict]] = []
    for n, (text, user) in enumerate(asks):
        response = bot.sender.command(text, user_id=user, response_url=standin.response_url(f"a{n}"))
        assert response.status == 200, text
        if response.body.strip():
            answers.append((f"ack: {text}", response.json()))
    bot.settle()
    later = standin.calls_to("response_url")
    answers += [(f"later: {c.tag}", c.params) for c in later]
    assert len(later) == 7  # status ×3, handoffs ×2, stats ×2 answer after the ack; the rest answer in it

    # "Another" on the phrasings answer goes through the response_url too.
    phrasings = next(body for label, body in answers if label == "ack: apology late delivery")
    another = next(e for b in phrasings["blocks"] if b["type"] == "actions" for e in b["elements"])
    bot.sender.block_action(ids.PHRASES_ANOTHER, another["value"], user_id=AGENT, response_url=standin.response_url("another"))
    answers.append(("another", standin.wait_for("response_url", where=lambda c: c.tag == "another")[-1].params))

    assert len(answers) >= len(asks)
    problems = {label: bad for label, body in answers if (bad := stray_brackets(body))}
    assert problems == {}
    usage = next(body for label, body in answers if label == "ack: bogus")
    assert "&lt;kind&gt;" in usage["text"] and "&lt;thread link&gt;" in usage["text"]


def test_the_builders_alone_write_placeholders_as_entities() -> None:
    payloads = [cmd.help_message(), cmd.refusal_message("Use `/deescalate handoff <thread link>` & try again.")]
    payloads += [cmd.bad_command_message(r) for r in map(cmd.parse, ("nope", "check", "status", "boundary 9", "stats 1y"))]
    for payload in payloads:
        assert stray_brackets(payload) == [], payload["text"]
    help_text = " ".join(shown_strings(cmd.help_message()))
    assert "`/deescalate &lt;kind&gt; [context words]`" in help_text and "&lt;draft&gt;" in help_text
    refusal = cmd.refusal_message("Use `/deescalate handoff <thread link>` & try again.")
    assert refusal["text"] == "Use `/deescalate handoff &lt;thread link&gt;` &amp; try again."
