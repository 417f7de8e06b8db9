"""/deescalate parsing, permalinks and the pure answer builders."""

from __future__ import annotations

import json

import pytest

from bot import commands as cmd
from bot import ids
from bot.links import parse_link
from phrasebook import load_phrasebook, suggest

LINK = "https://acme.slack.com/archives/C0123ABCD/p1717405200000100"


@pytest.mark.parametrize(
    "text, channel, ts, root",
    [
        (LINK, "C0123ABCD", "1717405200.000100", "1717405200.000100"),
        (f"<{LINK}>", "C0123ABCD", "1717405200.000100", "1717405200.000100"),
        (f"<{LINK}?thread_ts=1717405100.000200&amp;cid=C0123ABCD|a reply>", "C0123ABCD", "1717405200.000100", "1717405100.000200"),
        ("https://acme.enterprise.slack.com/archives/G0PRIV123/p1717405200000100/", "G0PRIV123", "1717405200.000100", "1717405200.000100"),
    ],
)
def test_permalinks_name_the_thread_root(text: str, channel: str, ts: str, root: str) -> None:
    link = parse_link(text)
    assert link is not None
    assert (link.channel, link.ts, link.root_ts) == (channel, ts, root)


@pytest.mark.parametrize(
    "text",
    ["hello", "https://example.com/archives/C0123ABCD/p1717405200000100", "https://acme.slack.com/archives/C0123/p17", "<#C0123ABCD|support>",
     f"{LINK}?thread_ts=yesterday"],
)
def test_things_that_are_not_message_links(text: str) -> None:
    assert parse_link(text) is None


def test_subcommands_parse_with_their_arguments() -> None:
    assert cmd.parse("") == cmd.Help()
    assert cmd.parse("  HELP ") == cmd.Help()
    assert cmd.parse("apology late delivery") == cmd.Phrases("apology", "late delivery")
    assert cmd.parse("boundary 2 rude words") == cmd.Phrases("boundary", "rude words", 2)
    assert cmd.parse("boundary") == cmd.Phrases("boundary", "", None)
    assert cmd.parse("check Calm down, as I said.") == cmd.Check("Calm down, as I said.")
    status = cmd.parse(f"status <{LINK}>")
    assert isinstance(status, cmd.Status) and status.link.channel == "C0123ABCD"
    handoff = cmd.parse(f"handoff {LINK} wants a refund over my limit")
    assert isinstance(handoff, cmd.Handoff) and handoff.note == "wants a refund over my limit"
    assert cmd.parse("handoffs") == cmd.Handoffs()
    assert cmd.parse("stats") == cmd.StatsRequest(7)
    assert cmd.parse("stats 30d") == cmd.StatsRequest(30)


@pytest.mark.parametrize(
    "text, words",
    [
        ("boundary 4", "1 (respectful request)"),
        ("check", "needs the draft"),
        ("status", "needs a link"),
        ("status not-a-link", "not a Slack message link"),
        (f"status {LINK} extra", "only the thread link"),
        ("handoff", "needs a link"),
        ("handoffs now", "no arguments"),
        ("stats 2w", "7d"),
        ("stats 365d", "at most 90d"),
        ("apolgy", "Did you mean `apology`"),
        ("dance", "don't know the subcommand `dance`"),
    ],
)
def test_bad_arguments_explain_and_show_usage(text: str, words: str) -> None:
    request = cmd.parse(text)
    assert isinstance(request, cmd.BadCommand)
    message = cmd.bad_command_message(request)
    assert words in message["text"]
    assert cmd.USAGE in message["text"]
    assert message["response_type"] == "ephemeral"


def test_an_unknown_subcommand_cannot_ping_anyone() -> None:
    request = cmd.parse("<!channel>")
    assert isinstance(request, cmd.BadCommand)
    assert "<!channel>" not in request.problem


def test_help_lists_every_subcommand_with_an_example() -> None:
    text = json.dumps(cmd.help_message())
    for name in ("apology", "boundary", "check", "status", "handoff", "handoffs", "stats", "/deescalate apology late delivery"):
        assert name in text


def test_another_value_round_trips_and_refuses_tampering() -> None:
    value = cmd.encode_another("boundary", "rude", 2, ["b1", "b2"])
    assert cmd.decode_another(value) == (cmd.Phrases("boundary", "rude", 2), ("b1", "b2"))
    assert cmd.decode_another("not json") is None
    assert cmd.decode_another(json.dumps({"k": "dance", "o": []})) is None
    assert cmd.decode_another(json.dumps({"k": "boundary", "s": 9, "o": []})) is None
    long = cmd.encode_another("apology", "x" * 200, None, [f"apology-{i:03d}" for i in range(200)])
    assert len(long) <= 2000 and cmd.decode_another(long) is not None


def test_phrases_message_carries_three_phrasings_and_another_button() -> None:
    book = load_phrasebook()
    request = cmd.Phrases("apology", "late delivery")
    suggestion = suggest(book, "apology", "late delivery")
    message = cmd.phrases_message(suggestion, request)
    quotes = [b for b in message["blocks"] if b["type"] == "section" and b["text"]["text"].startswith(">")]
    assert len(quotes) == 3
    button = next(b for b in message["blocks"] if b["type"] == "actions")["elements"][0]
    assert button["action_id"] == ids.PHRASES_ANOTHER
    _, shown = cmd.decode_another(button["value"])
    assert set(shown) == {pid for pid, _ in suggestion.phrases}
