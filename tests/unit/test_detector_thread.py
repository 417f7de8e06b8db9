"""The thread view: trend escalates and cools, repeat questions and terse replies, a small record."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.detector import ThreadTension, observe, score
from bot.vocabulary import LEVELS, level_index


def replay(messages: list[str | tuple[str, str]]) -> tuple[list, ThreadTension]:
    state, readings = None, []
    for m in messages:
        text, speaker = (m, "customer") if isinstance(m, str) else m
        reading, state = observe(state, text, speaker)
        readings.append(reading)
    return readings, state


def test_repeated_question_across_messages_is_flagged():
    readings, _ = replay(["When will my refund arrive?", "ok, I sent the receipt yesterday", "So when will the refund arrive?"])
    assert "repeat_question" in readings[-1].triggers and "repeat" in readings[-1].flags
    assert "repeat_question" not in readings[0].triggers


def test_different_questions_are_not_repeats():
    readings, _ = replay(["When will my refund arrive?", "Can I change my delivery address?"])
    assert "repeat_question" not in readings[-1].triggers


def test_question_marks_alone_are_not_repetition():
    readings, _ = replay(["Is the shop open today?", "Do you ship to Canada?", "Which colours are available?"])
    assert all("repeat_question" not in r.triggers for r in readings)


def test_sudden_short_reply_after_long_ones_is_terse():
    long = "I have explained the whole situation with the order number and the photos of the damaged box twice now"
    readings, _ = replay([long, long + " and I still have nothing", "fine."])
    assert "terse" in readings[-1].triggers


def test_short_reply_in_a_short_chat_or_a_thank_you_is_not_terse():
    readings, _ = replay(["hi", "order 1234", "yes"])
    assert "terse" not in readings[-1].triggers
    long = "I have explained the whole situation with the order number and the photos of the damaged box twice now"
    readings, _ = replay([long, "thanks!"])
    assert "terse" not in readings[-1].triggers


def test_rising_trend_escalates_beyond_the_message_alone():
    messages = [
        "Hello, my order is late.",
        "Still no update on my order.",
        "I already told you the order number.",
        # Was "Nobody answers my emails about this order.": the learned tension head (TweetEval) weighs
        # "nobody", so that line now reads tense on its own; this test needs one that is uneasy alone.
        "I emailed twice about this order.",
    ]
    readings, state = replay(messages)
    alone = [score(m).level for m in messages]
    assert alone[-1] == "uneasy"  # on its own, the last message is only uneasy...
    assert readings[-1].level == "tense"  # ...but after three rising ones the thread is tense
    assert state.level == "tense" and state.levels[-1] == "tense"
    assert readings[0].level == alone[0]  # the first message has no trend to add


def test_the_same_message_without_a_rising_history_is_not_escalated():
    readings, _ = replay(["Thanks for the quick reply earlier!", "Nobody answers my emails about this order."])
    assert readings[-1].level == score("Nobody answers my emails about this order.").level


def test_calm_message_after_a_tense_one_lowers_the_level():
    readings, state = replay(["This is ridiculous!!! I want a manager NOW", "ok thanks, that sorted it"])
    first, second = (level_index(r.level) for r in readings)
    assert second < first
    _, calmer = replay(["This is ridiculous!!! I want a manager NOW", "ok thanks, that sorted it", "great, all working now"])
    assert level_index(calmer.level) <= second


def test_a_calm_reply_after_heat_still_remembers_some_of_it():
    readings, _ = replay(["You are useless, this is a disgrace!!!", "ok"])
    assert readings[-1].level != "calm" or score("ok").level == "calm"
    assert readings[-1].level in LEVELS


def test_threat_is_heated_in_a_calm_thread():
    readings, _ = replay(["hello", "thanks for the help", "I know where you live"])
    assert readings[-1].level == "heated" and "threat" in readings[-1].flags


def test_agent_messages_are_scored_but_do_not_move_the_trend():
    _, before = replay(["my order is late"])
    reading, after = observe(before, "Sorry!!! This is TERRIBLE, the worst", "agent")
    assert reading.tension > 0.3
    assert after.to_dict() == before.to_dict()


def test_observe_is_pure():
    _, state = replay(["where is my order?"])
    snapshot = json.dumps(state.to_dict())
    observe(state, "where is my order??? third time asking")
    assert json.dumps(state.to_dict()) == snapshot


def test_record_roundtrips_and_tolerates_old_or_partial_records():
    _, state = replay(["where is my order?", "still waiting!!", "fine."])
    again = ThreadTension.from_dict(json.loads(json.dumps(state.to_dict())))
    assert again.to_dict() == state.to_dict()
    assert ThreadTension.from_dict({}).level == "calm"
    old = ThreadTension.from_dict({"ewma": 0.7, "level": "tense"})
    reading, new = observe(old, "ok thanks")
    assert new.messages == 1 and new.trajectory == [round(reading.tension, 2)]
    assert ThreadTension.from_dict({"level": "furious"}).level == "calm"


def test_record_keeps_a_bounded_trajectory_with_levels():
    _, state = replay([f"message number {i}, is my order {i} shipped?" for i in range(60)])
    d = state.to_dict()
    assert len(d["trajectory"]) == len(d["levels"]) == 24
    assert all(v in LEVELS for v in d["levels"])
    assert len(json.dumps(d)) <= 4096


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=300), st.sampled_from(["customer", "agent"])), max_size=40))
def test_any_conversation_stays_small_and_in_range(conversation):
    state = None
    for text, speaker in conversation:
        reading, state = observe(state, text, speaker)
        assert 0 <= reading.tension <= 1 and reading.level in LEVELS
    if state is not None:
        assert len(json.dumps(state.to_dict())) <= 4096
        assert ThreadTension.from_dict(state.to_dict()).to_dict() == state.to_dict()
