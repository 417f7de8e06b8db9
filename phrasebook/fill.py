"""Placeholder filling that reads naturally when a value is unknown.

A phrase names what it may mention in braces: `{customer}`, `{issue}`, `{timeframe}`.
Each placeholder needs a way to disappear gracefully, written in one of two ways:

- an optional group in square brackets, left out whole when a placeholder inside it is unknown:
  "Thanks for bearing with me[, {customer}]." → "Thanks for bearing with me, Dana." / "Thanks for bearing with me."
- a fallback after a bar, used when the value is unknown:
  "I'm sorry about {issue|the trouble this has caused}."

After filling, spaces are tidied and the first letter is capitalised, so a phrase may open with
an optional group: "[{customer}, ]thank you for waiting." → "Thank you for waiting."
"""

from __future__ import annotations

import re

from phrasebook.model import PLACEHOLDERS

_GROUP = re.compile(r"\[([^\[\]]*)\]")
_PLACEHOLDER = re.compile(r"\{([^{}|]*)(?:\|([^{}]*))?\}")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:!?…])")
_SPACES = re.compile(r"[ \t]{2,}")
_DOUBLE_COMMA = re.compile(r",\s*,")


def fill(
    text: str,
    customer: str | None = None,
    issue: str | None = None,
    timeframe: str | None = None,
) -> str:
    """Fill known placeholders, drop unknown ones with their optional words, and tidy the result."""
    values = {
        name: value.strip()
        for name, value in (("customer", customer), ("issue", issue), ("timeframe", timeframe))
        if value is not None and value.strip()
    }

    def known(match: re.Match[str]) -> bool:
        return match.group(1).strip() in values or match.group(2) is not None

    def substitute(match: re.Match[str]) -> str:
        name, fallback = match.group(1).strip(), match.group(2)
        if name in values:
            return values[name]
        return fallback.strip() if fallback is not None else ""

    def group(match: re.Match[str]) -> str:
        inner = match.group(1)
        if all(known(m) for m in _PLACEHOLDER.finditer(inner)):
            return _PLACEHOLDER.sub(substitute, inner)
        return ""

    # Values are inserted in one pass per layer, so a customer name containing "[" or "{" stays literal.
    pieces = []
    last = 0
    for match in _GROUP.finditer(text):
        pieces.append(_PLACEHOLDER.sub(substitute, text[last : match.start()]))
        pieces.append(group(match))
        last = match.end()
    pieces.append(_PLACEHOLDER.sub(substitute, text[last:]))
    return _tidy("".join(pieces))


def _tidy(text: str) -> str:
    text = _SPACES.sub(" ", text)
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    text = _DOUBLE_COMMA.sub(",", text).strip()
    text = text.lstrip(",;: ")
    return text[:1].upper() + text[1:]


def template_problems(text: str) -> list[str]:
    """Why a phrase text would not fill cleanly: bad brackets, unknown or unguarded placeholders."""
    problems: list[str] = []
    depth = 0
    for char in text:
        if char == "[":
            depth += 1
            if depth > 1:
                problems.append("optional groups [ ] cannot be nested")
                break
        elif char == "]":
            depth -= 1
            if depth < 0:
                break
    if depth != 0:
        problems.append("unbalanced [ ] in text")
    stripped = _PLACEHOLDER.sub("", text)
    if "{" in stripped or "}" in stripped:
        problems.append("unbalanced { } in text")
    if problems:
        return problems

    guarded = {m.start() for g in _GROUP.finditer(text) for m in _PLACEHOLDER.finditer(text, g.start(), g.end())}
    for match in _PLACEHOLDER.finditer(text):
        name = match.group(1).strip()
        if name not in PLACEHOLDERS:
            problems.append(f"unknown placeholder {{{name}}} (known: {', '.join(PLACEHOLDERS)})")
        elif match.group(2) is None and match.start() not in guarded:
            problems.append(
                f"placeholder {{{name}}} needs optional words around it, like [, {{{name}}}], "
                f"or a fallback, like {{{name}|…}}, so the phrase reads well when it is unknown"
            )
    return problems
