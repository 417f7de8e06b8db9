"""The thread record: it survives JSON, stays small, and never shares state with the dict it came from."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.case import MAX_LINES, MAX_STEPS, MAX_TEXT, Case, Line, Step, clip
from bot.detector import ThreadTension, observe
from bot.whisper import Incoming, Roles, Settings, decide
from phrasebook import load_phrasebook

BOOK = load_phrasebook()


def test_a_new_case_is_tiny_and_round_trips():
    case = Case.new("C1", "1.0", 10.0)
    data = case.to_dict()
    assert data == {"channel": "C1", "root_ts": "1.0", "fmt": 2, "started_at": 10.0}
    assert Case.from_dict(json.loads(json.dumps(data))) == case


def test_a_full_case_round_trips_through_json():
    _, tension = observe(None, "still waiting for my refund!!!")
    case = Case(
        channel="C1", root_ts="1.0", customer="UC", agents=["UA", "UB"], tension=tension, prev_tension=tension,
        level="tense", peak_level="heated", flags=["repeat"], evidence={"delay": "still waiting"},
        lines=[Line("1.0", "where is it", "uneasy", 1.0)], steps=[Step(2.0, "UA", "boundary", 1, "please keep it civil")],
        whispers=[{"n": 1, "kind": "empathy", "ids": ["empathy.a"]}], coached=["calm-down@UA"], alerted=True,
        abuse_seen=True, handoff_id="h1", boundary_step=2, agent_boundary=1, feedback={"helpful": 1},
    )
    back = Case.from_dict(json.loads(json.dumps(case.to_dict())))
    assert back.to_dict() == case.to_dict()
    assert back.steps[0].step == 1 and back.lines[0].text == "where is it"
    assert back.boundary_steps == [Step(2.0, "UA", "boundary", 1, "please keep it civil")]


def test_from_dict_copies_so_changing_the_case_leaves_the_record_alone():
    record = {"channel": "C1", "root_ts": "1.0", "agents": ["UA"], "evidence": {"delay": "x"}}
    case = Case.from_dict(record)
    case.agents.append("UB")
    case.evidence["refund"] = "y"
    assert record == {"channel": "C1", "root_ts": "1.0", "agents": ["UA"], "evidence": {"delay": "x"}}


def test_unknown_keys_from_a_newer_version_are_ignored():
    case = Case.from_dict({"channel": "C1", "root_ts": "1.0", "someday": 3, "level": "tense"})
    assert case.level == "tense"


def test_clip_keeps_a_bounded_single_line():
    assert clip("a\n b   c") == "a b c"
    long = clip("x" * 1000)
    assert len(long) == MAX_TEXT and long.endswith("…")


@settings(max_examples=25, deadline=None)
@given(st.lists(st.text(min_size=0, max_size=600), min_size=1, max_size=40))
def test_a_long_thread_keeps_its_record_bounded(texts):
    """However long and wordy the thread, the record stays within a few KB."""
    case = None
    for i, text in enumerate(texts):
        user = "UC" if i % 2 == 0 else "UA"
        msg = Incoming("post", "C1", "1.0", f"{i + 1}.0", float(i * 10), user, "T1", text)
        case, _ = decide(case, msg, Roles(), Settings(cooldown=0, cap=100), BOOK)
    size = len(json.dumps(case.to_dict(), ensure_ascii=False).encode())
    assert len(case.lines) <= MAX_LINES
    assert size <= 6000, size  # 6 lines of 300 chars (up to 4 bytes each in UTF-8) dominate the worst case


CUSTOMER_LINES = [
    "This is RIDICULOUS. Third time I'm asking and nobody helps, I want a refund NOW or I'm cancelling!!!",
    "you are a useless idiot, where is my money? order 48213 was due last Tuesday",
    "Still no answer?! Two weeks waiting for my money back, this is a scam and I'm telling everyone!!",
    "shut up you stupid moron, I want $900 compensation or I sue, and I'm posting this on twitter",
    "I've explained this FOUR times. Fix it today or I'm leaving a review everywhere, unacceptable!!!",
]
AGENT_LINES = [
    "I'm really sorry about this, I understand how frustrating it is to chase us again.",
    "I want to help you, but I need us to keep this conversation respectful, please.",
    "I'll escalate this to my supervisor right away so someone senior looks at it today.",
    "I can offer a refund by Friday; let me check with the warehouse team about the order status first.",
]


def _long_abusive_thread(messages: int = 60) -> Case:
    root, t = "1763900000.123456", 1763900000.123456
    start = Incoming("post", "C06SUPPORT9", root, root, t, "U07CUSTOMER", "T1", "Hi, where is my order #48213?", "U07CUSTOMER")
    case, _ = decide(None, start, Roles(), Settings(), BOOK)
    for i in range(messages):
        t += 183.0371
        if i % 2 == 0:
            user, text = "U07CUSTOMER", CUSTOMER_LINES[(i // 2) % len(CUSTOMER_LINES)] + f" (#{i})"
        else:
            user, text = ("U05AGENTA01", "U05AGENTB02")[(i // 2) % 2], AGENT_LINES[(i // 2) % len(AGENT_LINES)]
        msg = Incoming("post", "C06SUPPORT9", root, f"{t:.6f}", t + 0.4137, user, "T1", text, "U07CUSTOMER")
        case, _ = decide(case, msg, Roles(), Settings(), BOOK)
        case = Case.from_dict(json.loads(json.dumps(case.to_dict())))  # as the store hands it back
    return case


def test_a_60_message_abusive_thread_stays_within_4_kb_and_keeps_what_the_summary_needs():
    case = _long_abusive_thread(60)
    data = case.to_dict()
    size = len(json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode())
    assert size <= 4096, size
    assert case.abuse_seen and case.peak_level == "heated" and case.boundary_steps
    assert len(case.lines) == MAX_LINES and case.lines[-1].text.startswith(CUSTOMER_LINES[4][:20])
    assert len(data["steps"]) <= MAX_STEPS + 3 and case.evidence
    again = Case.from_dict(json.loads(json.dumps(data)))
    assert again.to_dict() == data  # writing it back changes nothing (times are kept to centiseconds)
    assert again.prev_tension == case.prev_tension and again.tension == case.tension
    assert again.offered == case.offered and again.whispers[-1]["ids"] == case.whispers[-1]["ids"]
    assert abs(again.lines[-1].at - case.lines[-1].at) < 0.01


def test_old_boundary_steps_outlive_the_step_bound():
    steps = [Step(1.0, "UA", "boundary", 1, "please keep it civil")] + [Step(2.0 + i, "UB", "apology", None, "sorry") for i in range(30)]
    case = Case(channel="C1", root_ts="1.0", agents=["UA", "UB"], steps=steps)
    back = Case.from_dict(json.loads(json.dumps(case.to_dict())))
    assert back.boundary_steps == [steps[0]] and back.steps[-1] == steps[-1]
    assert len(back.steps) == MAX_STEPS + 1


def test_a_record_written_before_the_compact_form_still_reads():
    _, tension = observe(None, "where is my refund? still waiting!!")
    old = {
        "channel": "C1", "root_ts": "1700000000.000100", "agents": ["UA"], "tension": tension.to_dict(),
        "prev_tension": tension.to_dict(), "lines": [["1700000000.000100", "where is it", "uneasy", 1700000000.5]],
        "steps": [{"at": 5.0, "agent": "UA", "kind": "boundary", "step": 1, "text": "keep it civil"}],
        "whispers": [{"n": 1, "at": 3.0, "kind": "empathy", "title": "Empathy", "ids": ["empathy.a"], "level": "tense"}],
    }
    case = Case.from_dict(old)
    assert case.tension == tension and case.prev_tension == tension
    assert case.lines[0].at == 1700000000.5 and case.steps == [Step(5.0, "UA", "boundary", 1, "keep it civil")]
    assert case.whispers[0]["ids"] == ["empathy.a"] and case.whispers[0]["title"] == "Empathy"


@settings(max_examples=30, deadline=None)
@given(st.lists(st.text(min_size=0, max_size=200), min_size=1, max_size=12), st.lists(st.text(max_size=80), max_size=12))
def test_detector_state_survives_the_compact_form(texts, unrelated):
    """The state before the last message is written as a difference from the current one; any pair round-trips."""
    tension = prev = None
    for text in texts:
        prev = tension
        _, tension = observe(tension, text)
    other = None
    for text in unrelated:
        _, other = observe(other, text)
    def as_detector_keeps_it(state):  # noqa: ANN001, ANN202 - its own to_dict rounds the averages
        return None if state is None else ThreadTension.from_dict(state.to_dict())

    for before in (prev, other):
        case = Case(channel="C1", root_ts="1.0", tension=tension, prev_tension=before)
        back = Case.from_dict(json.loads(json.dumps(case.to_dict())))
        assert back.tension == as_detector_keeps_it(tension) and back.prev_tension == as_detector_keeps_it(before)
