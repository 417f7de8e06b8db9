"""The thread record: it survives JSON, stays small, and never shares state with the dict it came from."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.case import MAX_LINES, Case, Line, Step, clip
from bot.detector import observe
from bot.whisper import Incoming, Roles, Settings, decide
from phrasebook import load_phrasebook

BOOK = load_phrasebook()


def test_a_new_case_is_tiny_and_round_trips():
    case = Case.new("C1", "1.0", 10.0)
    data = case.to_dict()
    assert data == {"channel": "C1", "root_ts": "1.0", "started_at": 10.0}
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
    assert len(long) == 300 and long.endswith("…")


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
