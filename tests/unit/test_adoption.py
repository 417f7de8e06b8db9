"""Did a suggestion help: the agent's next reply used it (pasted or in their own words), the customer's
tension on their next message, and the figures per kind and per phrase built from the counters."""

from __future__ import annotations

from collections import Counter

import pytest

from bot.adoption import adoption, change, effect_counters, feedback_counters, median_of, phrase_used
from bot.case import Case
from bot.report import build_stats
from bot.whisper import Count, Incoming, Roles, Settings, Whisper, decide
from phrasebook import fill, load_phrasebook

BOOK = load_phrasebook()
# Tense with evidence (repeat contact, a delay), so the agent's first reply passes the whisper gate
# (bot/gate.py): a polite first report would rightly get no whisper at all.
OPENING = "This is the third time I'm asking: my order #31007 was due on Tuesday and it still hasn't arrived. Where is it?"
SHOWN = [(p.id, fill(p.text)) for p in BOOK.phrases("expectations")[:2] + BOOK.phrases("outcome")[:2]]


def text_of(pid: str) -> str:
    return dict(SHOWN)[pid]


@pytest.mark.parametrize(
    "reply, used",
    [
        # pasted, trimmed, wrapped, reworded: all use the phrase
        ("I'll come back to you by the end of today with an update, even if there's nothing new yet.", "expectations.update-even-if"),
        ("Priya — I'll come back to you before the end of today with an update, even if nothing new turns up.", "expectations.update-even-if"),
        ("Here is what happens next: I'm raising it with the team now and you'll hear from me within one working day.",
         "expectations.what-happens-next"),
        ("What would a good outcome look like for you here?", "outcome.good-outcome"),
        ("Tell me, what would you like us to do so we put this right?", "outcome.put-right"),
        # another subject that shares a word or two does not
        ("I'm checking with the warehouse today.", None),
        ("Thanks, the update is on its way.", None),
        ("Good morning!", None),
    ],
)
def test_an_offered_phrasing_counts_as_used_pasted_or_in_own_words(reply, used):
    assert phrase_used(SHOWN, reply) == used


def test_medians_come_from_the_bucketed_counters():
    assert median_of({-2: 1, 0: 1, 4: 1}) == 0.0
    assert median_of({-2: 1, -4: 1}) == -0.15
    assert median_of({}) is None
    assert (change(-0.15), change(0.05), change(0.0), change(None)) == ("−0.15", "+0.05", "0", "–")


def test_figures_per_kind_and_phrase_from_the_daily_counters():
    note = {"kind": "outcome", "ids": ["outcome.good-outcome", "outcome.put-right"]}
    day1: Counter = Counter({"whispers:outcome": 2, "offered_p:outcome.good-outcome": 2, "offered_p:outcome.put-right": 2,
                             "used:outcome": 1, "used_p:outcome.put-right": 1})
    day1.update(effect_counters(note, "outcome.put-right", -0.3))
    day1.update(effect_counters(note, None, 0.1))
    day2 = Counter(feedback_counters(note, "helpful"))
    stats = build_stats({"2024-06-03": dict(day1), "2024-06-04": dict(day2)}, [], days=2)
    [kind] = stats.by_kind
    assert (kind.name, kind.offered, kind.used, kind.helpful, kind.used_rate) == ("outcome", 2, 1, 1, 0.5)
    assert (kind.change_used, kind.change_unused, kind.measured_used, kind.measured_unused) == (-0.3, 0.1, 1, 1)
    phrases = {a.name: a for a in stats.by_phrase}
    assert phrases["outcome.put-right"].change_used == -0.3 and phrases["outcome.put-right"].used == 1
    assert phrases["outcome.good-outcome"].change_used is None and phrases["outcome.good-outcome"].change_unused == -0.1
    assert stats.to_dict()["by_kind"][0]["used_rate"] == 0.5
    by_kind, by_phrase = adoption({"fb:outcome:bogus": 1, "dt:outcome:x:1": 1, "dt:outcome:u:nan": 1})
    assert by_kind == () and by_phrase == ()  # malformed counters are ignored, not a crash


# ---- through decide ---------------------------------------------------------------------------------


def _say(case, n, user, text, at):
    ts = "1700000000.000001" if n == 1 else f"{at:.0f}.{n:06d}"
    msg = Incoming("post", "C1", "1700000000.000001", ts, at, user, "T1", text, "UCUST")
    return decide(case, msg, Roles(), Settings(), BOOK)


def counters(actions) -> Counter:
    found: Counter = Counter()
    for a in actions:
        if isinstance(a, Count):
            found.update(a.counters)
    return found


def test_a_used_suggestion_and_the_customers_tension_after_it_are_recorded():
    case, _ = _say(None, 1, "UCUST", OPENING, 1000)
    case, actions = _say(case, 2, "UAGENT", "I'm looking into it.", 1030)
    [whisper] = [a for a in actions if isinstance(a, Whisper)]
    note = case.whispers[-1]
    offered = note["ids"]
    assert counters(actions)["whispers:expectations"] == 1 and all(counters(actions)[f"offered_p:{i}"] == 1 for i in offered)
    reply = f"Sorry Priya. {fill(BOOK.get(offered[0]).text)}"
    case, actions = _say(case, 3, "UAGENT", reply, 1060)
    assert case.whispers[-1]["u"] == "0"
    assert counters(actions)["used:expectations"] == 1 and counters(actions)[f"used_p:{offered[0]}"] == 1
    case, actions = _say(case, 4, "UCUST", "Ok, thank you, that helps.", 1090)
    change_ = case.whispers[-1]["dt"]
    assert change_ < 0  # the customer calmed down
    found = counters(actions)
    assert any(k.startswith("dt:expectations:u:") for k in found) and any(k.startswith(f"dtp:{offered[0]}:u:") for k in found)
    # Measured once: the customer's message after that does not count again.
    case, actions = _say(case, 5, "UCUST", "Still here, by the way.", 1120)
    assert not any(k.startswith("dt:") for k in counters(actions))


def test_the_suggested_step_in_the_agents_own_words_counts_for_the_kind_only():
    case, _ = _say(None, 1, "UCUST", OPENING, 1000)
    case, _ = _say(case, 2, "UAGENT", "I'm looking into it.", 1030)
    case, actions = _say(case, 3, "UAGENT", "You'll have an answer from me by 4 pm today.", 1060)
    assert case.whispers[-1]["u"] == "~"
    found = counters(actions)
    assert found["used:expectations"] == 1 and not any(k.startswith("used_p:") for k in found)


def test_an_unused_suggestion_is_marked_so_and_counts_as_not_used():
    case, _ = _say(None, 1, "UCUST", OPENING, 1000)
    case, _ = _say(case, 2, "UAGENT", "I'm looking into it.", 1030)
    case, actions = _say(case, 3, "UAGENT", "Still checking.", 1060)
    assert case.whispers[-1]["u"] == "-" and not any(k.startswith("used") for k in counters(actions))
    case, actions = _say(case, 4, "UCUST", "This is getting ridiculous, WHERE IS IT???", 1090)
    assert any(k.startswith("dt:expectations:n:") for k in counters(actions))
    assert Case.from_dict(case.to_dict()).whispers[0]["u"] == "-"
