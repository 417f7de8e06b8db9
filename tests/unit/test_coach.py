"""The wording coach: flags cold or dead-end agent language with spans, why, and a reframe; leaves good wording alone."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phrasebook import KINDS, coach, fill, load_phrasebook, rewrite

BOOK = load_phrasebook()

FLAGGED = [
    ("calm-down", "Please calm down, I'm trying to help.", "Please calm down"),
    ("our-policy", "Sorry, that's our policy.", "Sorry, that's our policy"),
    ("dont-know", "I don't know when it ships.", "I don't know"),
    ("we-cant", "We can't refund this order.", "We can't refund this order"),
    ("nothing-we-can-do", "There's nothing we can do about it.", "There's nothing we can do"),
    ("you-should-have", "You should have read the terms first.", "You should have read the terms first"),
    ("already-said", "As I already said, it ships Monday.", "As I already said"),
    ("per-my-last", "Per my last message, it ships Monday.", "Per my last message"),
    ("blanket-apology", "We apologise for any inconvenience caused.", "We apologise for any inconvenience caused"),
    ("not-my-department", "Billing? That's not my department.", "That's not my department"),
    ("jargon-sla", "It is within the SLA.", "the SLA"),
    ("jargon-tier", "I sent it to tier 2 support.", "tier 2 support"),
]


@pytest.mark.parametrize("rule,text,matched", FLAGGED, ids=[f[0] for f in FLAGGED])
def test_each_rule_flags_its_wording_with_an_exact_span(rule, text, matched):
    findings = coach(BOOK, text)
    assert [f.rule for f in findings] == [rule]
    f = findings[0]
    assert text[f.start : f.end] == f.matched == matched
    assert f.why and f.reframe


@pytest.mark.parametrize(
    "text",
    [
        "Thanks for waiting, Dana. I've found the order and it will arrive on Friday.",
        "I'm sorry the parcel is late. I'll chase the courier and update you by 3 pm.",
        "I know this has been frustrating. Here is what I can do right now.",
        "Could you tell me when you first noticed the charge?",
        "Let me find out and come back to you within the hour.",
    ],
)
def test_good_wording_gets_no_findings(text):
    assert coach(BOOK, text) == []
    assert rewrite(BOOK, text) == text


def test_the_default_phrasings_pass_their_own_coach():
    offenders = [
        p.id
        for kind in KINDS
        for p in BOOK.phrases(kind)
        if coach(BOOK, fill(p.text, customer="Dana", issue="the refund", timeframe="by 3 pm"))
    ]
    assert offenders == []


def test_typographic_apostrophes_are_caught_and_spans_point_into_the_original():
    text = "Honestly I don\u2019t know, that\u2019s our policy."
    findings = coach(BOOK, text)
    assert [f.rule for f in findings] == ["dont-know", "our-policy"]
    assert [text[f.start : f.end] for f in findings] == ["I don\u2019t know", "that\u2019s our policy"]


def test_reframes_fit_the_sentence_they_land_in():
    mid = coach(BOOK, "Look, I don't know.")[0]
    start = coach(BOOK, "I don't know.")[0]
    assert mid.reframe == "let me find out" and start.reframe == "Let me find out"


def test_rewrite_applies_every_reframe_and_keeps_the_rest():
    draft = "Please calm down. As I already said, we can't refund this order. We apologize for any inconvenience."
    assert rewrite(BOOK, draft) == (
        "I can hear how frustrating this is. To recap, I'm not able to refund this order, but here's what I can do. "
        "I'm sorry for the trouble this has caused you."
    )


def test_rewrite_of_a_blaming_sentence_moves_to_next_steps():
    assert rewrite(BOOK, "You should have contacted us earlier. Your ticket is with L2.") == (
        "I understand how this happened, and here's how we'll sort it out. Your request is with a specialist team."
    )


@pytest.mark.parametrize("rule,text,matched", FLAGGED, ids=[f[0] for f in FLAGGED])
def test_a_rewritten_draft_has_nothing_left_to_flag(rule, text, matched):
    assert coach(BOOK, rewrite(BOOK, text)) == []


def test_a_team_can_disable_a_rule_and_add_its_own(tmp_path):
    (tmp_path / "coach.toml").write_text(
        '[[rule]]\nid = "jargon-ticket"\ndisabled = true\n\n'
        "[[rule]]\nid = \"acme-no-worries\"\npatterns = ['''\\bno worries\\b''']\n"
        'why = "Sounds flippant when the customer is worried."\nreframe = "happy to help"\n',
        encoding="utf-8",
    )
    team = load_phrasebook(tmp_path)
    assert coach(team, "Your ticket is open.") == []
    assert [f.rule for f in coach(team, "No worries, Dana!")] == ["acme-no-worries"]
    assert rewrite(team, "No worries, Dana!") == "Happy to help, Dana!"


def test_spanish_coach_rules():
    es = load_phrasebook(language="es")
    findings = coach(es, "Cálmese, por favor. Como ya le dije, no podemos devolver el dinero.")
    assert [f.rule for f in findings] == ["calmese", "como-ya-dije", "no-podemos"]
    assert rewrite(es, "Disculpe las molestias.") == "Siento mucho el problema que esto le ha causado."


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_coach_never_crashes_and_findings_are_ordered_and_disjoint(text):
    findings = coach(BOOK, text)
    for f in findings:
        assert 0 <= f.start < f.end <= len(text) and text[f.start : f.end] == f.matched
    for a, b in zip(findings, findings[1:]):
        assert a.end <= b.start
    rewrite(BOOK, text)


@pytest.mark.parametrize(
    ("draft", "rule"),
    [("I dont know", "dont-know"), ("we cant refund that", "we-cant"), ("thats our policy", "our-policy"), ("theres nothing we can do", "nothing-we-can-do")],
)
def test_chat_spelling_without_apostrophes_is_caught(draft: str, rule: str) -> None:
    assert rule in {f.rule for f in coach(BOOK, draft)}


def test_jargon_rewrite_keeps_the_sentence_grammatical() -> None:
    assert rewrite(BOOK, "Your support ticket number is 55") == "Your request number is 55"
    assert rewrite(BOOK, "Please escalate the ticket") == "Please escalate the request"
