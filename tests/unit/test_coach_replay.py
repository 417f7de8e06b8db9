"""`deescalate replay` shows the plan (issue 12): each whisper's step and why, each agent line's moves and
whether it used a suggestion, and the adoption totals — on the order-chase thread at both paces."""

from __future__ import annotations

import pytest

from tests.unit.test_replay import EXAMPLES, replay, replay_json


@pytest.mark.parametrize("name", ["order-chase.jsonl", "order-chase-burst.jsonl"])
def test_replay_names_each_whispers_step_and_why(name):
    code, out, err = replay(EXAMPLES / name)
    assert code == 0, err
    # Two: the uneasy "Hello? I asked…" does not pass the whisper gate (bot/gate.py); "third time… WHERE IS
    # MY ORDER???" gets the exact time, the manager request the escalation.
    assert out.count("↳ whisper to Sam") == 2
    assert "“Next: swap the vague promise for an exact time”" in out
    assert "step: exact time — done so far: made a vague promise · the last reply promised without a time" in out
    assert "step: escalate — the customer asked for a manager: offer the handoff as help" in out
    assert "· moves: apologised, made a vague promise" in out
    assert "· moves: made a vague promise, escalated · did not use the expectations suggestion" in out
    assert out.rstrip().splitlines()[-1].startswith("Suggestions: 0 of 2 answered were used (adoption 0%)")


def test_replay_json_carries_moves_used_steps_and_adoption_totals():
    result = replay_json(EXAMPLES / "order-chase-coached.jsonl")
    messages = result["threads"][0]["messages"]
    whispers = [w for m in messages for w in m["whispers"] if not w["tip"]]
    assert all(w["step"] and w["plan"] for w in whispers)
    used = [u for m in messages for u in m["used"]]
    assert any(not u.endswith("not used") for u in used)
    agent_lines = [m for m in messages if m["role"] == "agent"]
    assert all("moves" in m for m in agent_lines) and any("outcome" in m["moves"] or "timeline" in m["moves"] for m in agent_lines)
    totals = result["totals"]
    assert totals["suggestions_used"] >= 1 and 0 < totals["adoption_rate"] <= 1
    assert totals["tension_change_used"] is not None


def test_a_calm_thread_replays_without_coaching_noise():
    code, out, err = replay(EXAMPLES / "calm.jsonl")
    assert code == 0, err
    assert "moves:" not in out  # agent replies with no move of the practice and nothing to answer get no line
    assert out.rstrip().splitlines()[-1] == "Suggestions: no whisper had an agent reply after it, so nothing to measure"
