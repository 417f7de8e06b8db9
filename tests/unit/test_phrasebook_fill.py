"""Placeholders: filled when known, dropped with their words when not, and never leaving template debris."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from phrasebook import KINDS, fill, load_phrasebook

BOOK = load_phrasebook()
ALL_TEXTS = [p.text for kind in KINDS for p in BOOK.phrases(kind)] + [
    p.text for kind in KINDS for p in load_phrasebook(language="es").phrases(kind)
]


def test_optional_group_is_kept_with_a_value_and_dropped_without():
    text = "Thanks for bearing with me[, {customer}]."
    assert fill(text, customer="Dana") == "Thanks for bearing with me, Dana."
    assert fill(text) == "Thanks for bearing with me."


def test_fallback_is_used_only_when_the_value_is_unknown():
    text = "I'm sorry about {issue|the trouble this has caused}."
    assert fill(text, issue="the late delivery") == "I'm sorry about the late delivery."
    assert fill(text) == "I'm sorry about the trouble this has caused."


def test_a_dropped_opening_group_leaves_a_capitalised_sentence():
    assert fill("[{customer}, ]thank you for waiting.") == "Thank you for waiting."
    assert fill("[{customer}, ]thank you for waiting.", customer="Dana") == "Dana, thank you for waiting."


def test_group_needs_every_placeholder_inside_it():
    text = "I'll call[ {customer}] back[ about {issue} {timeframe}]."
    assert fill(text, customer="Dana", issue="the refund") == "I'll call Dana back."
    assert fill(text, issue="the refund", timeframe="by noon") == "I'll call back about the refund by noon."


def test_blank_values_count_as_unknown_and_values_are_inserted_literally():
    assert fill("Hi[, {customer}].", customer="   ") == "Hi."
    assert fill("Hi[, {customer}].", customer="[{issue}]") == "Hi, [{issue}]."


def test_every_default_phrase_reads_cleanly_with_any_mix_of_known_values():
    full = {"customer": "Dana", "issue": "the refund", "timeframe": "by 3 pm"}
    for text in ALL_TEXTS:
        for values in ({}, {"customer": "Dana"}, {"issue": "the refund"}, {"timeframe": "by 3 pm"}, full):
            out = fill(text, **values)
            assert not re.search(r"[\[\]{}|]|\s[,.?!]|  |,,|^[^\w¿¡]", out), (text, values, out)
            assert out[0].isupper() or out[0] in "¿¡", out
        for name, value in full.items():
            if "{" + name in text:
                assert value in fill(text, **full), (text, name)


@settings(max_examples=200, deadline=None)
@given(
    text=st.sampled_from(ALL_TEXTS),
    customer=st.none() | st.text(min_size=1, max_size=30),
    issue=st.none() | st.text(min_size=1, max_size=30),
)
def test_filling_never_leaks_template_syntax_from_the_phrase(text, customer, issue):
    out = fill(text, customer=customer, issue=issue)
    leftover = out
    for value in (customer, issue):
        if value and value.strip():
            leftover = leftover.replace(value.strip(), "")
    assert not re.search(r"\{(customer|issue|timeframe)[|}]", leftover)
