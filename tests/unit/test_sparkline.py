"""Tests for bot/sparkline.py."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.sparkline import LEVEL_SYMBOLS, level_strip, sparkline
from bot.vocabulary import LEVELS


def test_empty_input_gives_empty_strings() -> None:
    assert sparkline([]) == ""
    assert level_strip([]) == ""


def test_extremes_and_middle_map_to_the_lowest_highest_and_a_middle_block() -> None:
    assert sparkline([0.0, 1.0]) == "▁█"
    assert sparkline([0.5]) in ("▄", "▅")


def test_a_rising_thread_draws_a_rising_line() -> None:
    line = sparkline([0.0, 0.2, 0.4, 0.6, 0.8, 1.0])
    assert line == "▁▂▄▅▇█"
    assert list(line) == sorted(line)


def test_out_of_range_scores_are_clamped_and_nan_is_a_gap() -> None:
    assert sparkline([-3.0, 7.5, math.nan]) == "▁█ "


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(allow_infinity=True, allow_nan=True), max_size=50))
def test_one_character_per_value_for_any_floats(values: list[float]) -> None:
    assert len(sparkline(values)) == len(values)


@settings(max_examples=100, deadline=None)
@given(st.floats(min_value=0, max_value=1), st.floats(min_value=0, max_value=1))
def test_a_higher_score_never_draws_a_lower_block(a: float, b: float) -> None:
    low, high = sorted([a, b])
    assert sparkline([low]) <= sparkline([high])


def test_every_level_has_its_own_symbol_in_rising_order() -> None:
    assert set(LEVEL_SYMBOLS) == set(LEVELS)
    assert len(set(LEVEL_SYMBOLS.values())) == len(LEVELS)
    assert level_strip(["calm", "uneasy", "tense", "heated"]) == "·◦●◉"


def test_unknown_levels_are_marked_not_dropped() -> None:
    assert level_strip(["calm", "furious", "heated"]) == "·?◉"
