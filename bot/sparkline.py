"""Tiny one-line pictures of a thread's tension, for handoff headers and the Home tab.

Both functions return plain Unicode, one character per input, so a caller can put them inside
mrkdwn or plain_text and line them up under each other.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from bot.vocabulary import LEVELS

_BLOCKS = "▁▂▃▄▅▆▇█"
_GAP = " "  # a missing score (NaN) shows as a gap rather than a made-up low bar

# Shapes rather than colours: they differ in size and ink, so they read the same for colour-blind
# people, in a notification preview and in a dark theme, and Slack never turns them into emoji.
LEVEL_SYMBOLS: dict[str, str] = dict(zip(LEVELS, "·◦●◉", strict=True))
_UNKNOWN_LEVEL = "?"


def sparkline(values: Sequence[float]) -> str:
    """Scores in [0, 1] as block characters, one per score ("▁▂▃▅▇"); out-of-range scores are clamped."""
    return "".join(_block(v) for v in values)


def _block(value: float) -> str:
    if math.isnan(value):
        return _GAP
    clamped = min(1.0, max(0.0, value))
    return _BLOCKS[int(clamped * (len(_BLOCKS) - 1) + 0.5)]


def level_strip(levels: Sequence[str]) -> str:
    """Levels ("calm", "uneasy", "tense", "heated") as "·◦●◉", one symbol each; an unknown level shows "?"."""
    return "".join(LEVEL_SYMBOLS.get(level, _UNKNOWN_LEVEL) for level in levels)
