"""Tests for bot/outcome.py: the outcome a customer asked for and the one-line issue."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.outcome import issue_line, wanted_outcome
from bot.safety import has_live_markup, quote


@pytest.mark.parametrize(
    ("message", "outcome"),
    [
        ("I want a refund", "a refund"),
        ("I just need my order by Friday.", "my order by Friday"),
        ("Just give me my money back!!!", "my money back"),
        ("All I'm asking is for someone to call me.", "someone to call me"),
        ("all i want is an apology", "an apology"),
        ("What I really need is a working router", "a working router"),
        ("I expect compensation for this.", "compensation for this"),
        ("Cancel my account.", "Cancel my account"),
        ("Please just send a replacement!!", "send a replacement"),
        ("I\u2019d like to speak to a manager", "speak to a manager"),
        ("I want to cancel my subscription because this is a joke", "cancel my subscription"),
        ("Can you please refund me?", "refund me"),
        ("Can I get a refund?", "a refund"),
        ("I want you to refund me now please", "refund me now"),
        ("I need a refund or I'm calling my bank", "a refund"),
        ("I would appreciate a call back, thanks", "a call back"),
        ("I'm asking for a full refund, but nobody listens", "a full refund"),
        ("Hi, I want a replacement.", "a replacement"),
    ],
)
def test_explicit_requests_become_short_phrases(message: str, outcome: str) -> None:
    assert wanted_outcome([message]) == outcome


@pytest.mark.parametrize(
    "message",
    [
        "My order is late and nobody answers.",
        "This is a joke.",
        "Do I need a receipt?",
        "If I want a refund, what do I do?",
        "I don't want a refund",
        "I want to know why this happened",
        "I need help",
        "Can you believe this?",
        "",
    ],
)
def test_no_outcome_when_the_customer_never_asked_for_one(message: str) -> None:
    assert wanted_outcome([message]) is None


def test_the_latest_request_wins_across_messages() -> None:
    messages = ["I want a refund.", "Actually I just need my order by Friday", "Where is it??"]
    assert wanted_outcome(messages) == "my order by Friday"


def test_the_latest_request_wins_inside_one_message() -> None:
    assert wanted_outcome(["I don't need a refund, I need my order by Friday."]) == "my order by Friday"
    assert wanted_outcome(["I want a refund. No wait, I want a replacement."]) == "a replacement"


def test_no_messages_means_no_outcome() -> None:
    assert wanted_outcome([]) is None


def test_outcome_is_redacted_but_left_unescaped_for_quote() -> None:
    out = wanted_outcome(["I want my card 4111 1111 1111 1111 refunded *today* <@U0123>"])
    assert out == "my card [card] refunded *today* <@U0123>"
    assert not has_live_markup(quote(out))


def test_a_rambling_request_is_cut_to_a_short_phrase() -> None:
    out = wanted_outcome(["I want " + "a very long and winding explanation of my needs " * 10])
    assert out is not None
    assert len(out.split()) <= 12


def test_issue_line_prefers_the_sentence_that_names_the_problem() -> None:
    messages = [
        "Hi team, hope you're well!",
        "I ordered a blue kettle last month.",
        "It has not arrived and I've been waiting for 2 weeks!!!",
    ]
    assert issue_line(messages) == "It has not arrived and I've been waiting for 2 weeks!"


def test_issue_line_drops_the_greeting_and_capitalises() -> None:
    assert issue_line(["Hello Sam, my router keeps crashing every night."]) == "My router keeps crashing every night"


def test_issue_line_falls_back_to_the_first_real_sentence() -> None:
    assert issue_line(["Hello", "thanks", "Quick question about invoices"]) == "Quick question about invoices"
    assert issue_line(["hi", "ok"]) == ""
    assert issue_line([]) == ""


def test_issue_line_is_trimmed_to_the_limit_and_redacted_before_trimming() -> None:
    message = "my card 4111 1111 1111 1111 was charged twice for the same order and I am very unhappy about it"
    line = issue_line([message], limit=60)
    assert len(line) <= 60
    assert line.startswith("My card [card] was charged twice")
    assert line.endswith("…")
    # Cutting first and redacting after would leave a card fragment too short to recognise.
    assert "4111" not in issue_line(["my card is 4111 1111 1111 1111 and it was declined"], limit=22)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=200), max_size=5), st.integers(min_value=1, max_value=120))
def test_any_messages_give_a_bounded_single_line(messages: list[str], limit: int) -> None:
    line = issue_line(messages, limit=limit)
    assert len(line) <= limit
    assert "\n" not in line
    outcome = wanted_outcome(messages)
    assert outcome is None or (outcome and "\n" not in outcome)
