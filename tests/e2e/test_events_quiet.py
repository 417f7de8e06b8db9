"""Calm support threads stay quiet end to end: signed Slack events in, no whisper out.

The threads are tests/fixtures/support_threads.jsonl (our own words): order numbers, booking codes,
quoted error messages in capitals, brand and platform names, job titles, thanks, short answers and
corrections. Each is posted as Slack would send it (root by the customer, replies in the thread) and
the bot must not call chat.postEphemeral for any calm one; escalating ones still get their whisper.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.test_events_whisper import AGENT, CUSTOMER, Conversation, settled

THREADS = [json.loads(line) for line in (Path(__file__).parents[1] / "fixtures" / "support_threads.jsonl").open(encoding="utf-8")]
CALM = [t for t in THREADS if t["kind"] == "calm"]
TENSE = [t for t in THREADS if t["kind"] == "tense"]


def play(bot, standin, thread: dict, upto: int | None = None) -> Conversation:  # noqa: ANN001
    talk = Conversation(bot, standin)
    for i, turn in enumerate(thread["turns"][: None if upto is None else upto + 1]):
        user = CUSTOMER if turn["speaker"] == "customer" else AGENT
        talk.post(user, turn["text"], root=i == 0)
    bot.settle()
    return talk


def test_fixture_has_enough_calm_and_tense_threads():
    assert len(THREADS) >= 60 and len(CALM) >= 30 and len(TENSE) >= 25
    assert all(t["turns"][0]["speaker"] == "customer" for t in THREADS)


def test_calm_threads_with_codes_brands_and_short_replies_get_no_whisper(bot, standin):  # noqa: ANN001
    whispered = []
    for thread in CALM:
        talk = play(bot, standin, thread)
        if talk.whispers():
            whispered.append(thread["thread"])
    assert whispered == []
    assert settled(bot, standin) == []


@pytest.mark.parametrize("name", ["t01", "t06", "t08", "t14", "t22", "t28"])
def test_escalating_threads_still_get_a_whisper_in_time(bot, standin, name):  # noqa: ANN001
    thread = next(t for t in TENSE if t["thread"] == name)
    first_agent = next(i for i, t in enumerate(thread["turns"]) if t["speaker"] == "agent")
    talk = play(bot, standin, thread, upto=max(thread["first_tense"], first_agent))
    assert talk.whispers(AGENT), f"{name}: no whisper by the first tense turn"
