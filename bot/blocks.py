"""Block Kit primitives and Slack's limits, written once for every builder (*_blocks.py, commands, home).

Slack rejects a whole message or view when one text runs past its ceiling, so every primitive cuts to
its limit here (never inside an entity or a grapheme: bot.safety.truncate) and never sends empty text.
Escaping is the caller's: these take mrkdwn that is already safe.
"""

from __future__ import annotations

from typing import Any

from bot.safety import truncate

Block = dict[str, Any]

# Slack's ceilings (Block Kit reference).
TEXT_MAX = 3000  # a text object: section text, context elements
HEADER_MAX = 150
BUTTON_TEXT_MAX = 75
OPTION_MAX = 75
OPTION_VALUE_MAX = 150
VALUE_MAX = 2000  # a button's value
LABEL_MAX = 2000  # an input's label or hint
TITLE_MAX = 24  # a modal's title and buttons
PLACEHOLDER_MAX = 150


def fit(text: str, limit: int) -> str:
    """`text` cut to `limit` characters (with "…" when cut)."""
    return truncate(text, limit - 1) if len(text) > limit else text


def plain(text: str, limit: int = TEXT_MAX) -> Block:
    return {"type": "plain_text", "text": fit(text, limit) or " ", "emoji": True}


def mrkdwn(text: str, limit: int = TEXT_MAX) -> Block:
    return {"type": "mrkdwn", "text": fit(text, limit) or " "}


def section(text: str) -> Block:
    return {"type": "section", "text": mrkdwn(text)}


def context(text: str) -> Block:
    return {"type": "context", "elements": [mrkdwn(text)]}


def header(text: str) -> Block:
    return {"type": "header", "text": plain(text, HEADER_MAX)}


def button(text: str, action_id: str, value: str, style: str | None = None) -> Block:
    element: Block = {"type": "button", "text": plain(text, BUTTON_TEXT_MAX), "action_id": action_id, "value": value[:VALUE_MAX]}
    if style:
        element["style"] = style
    return element
