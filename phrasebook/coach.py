"""The wording coach: spot agent language that inflames (rules live in coach.toml) and suggest a reframe."""

from __future__ import annotations

import re
from dataclasses import dataclass

from phrasebook.model import Phrasebook

_SENTENCE_END = re.compile(r"(^|[.!?…]\s+|\n\s*)$")
_STARTS_WITH_I = re.compile(r"^I(\b|')")


@dataclass(frozen=True)
class Finding:
    """One stretch of the agent's draft that a rule flags, with why and what to say instead."""

    rule: str
    start: int
    end: int
    matched: str
    why: str
    reframe: str  # the replacement for text[start:end], already fitted to its place in the sentence


def coach(book: Phrasebook, text: str) -> list[Finding]:
    """Findings in the agent's text, in order, never overlapping (the earliest, then longest, match wins)."""
    # Typographic apostrophes are common in Slack; same length, so spans still index the original text.
    plain = text.replace("\u2019", "'")
    candidates = []
    for rule in book.rules:
        for pattern in rule.patterns:
            for match in pattern.finditer(plain):
                if match.end() > match.start():
                    candidates.append((match.start(), -match.end(), rule, match))
    candidates.sort(key=lambda c: (c[0], c[1]))
    findings: list[Finding] = []
    for start, negative_end, rule, match in candidates:
        if findings and start < findings[-1].end:
            continue
        end = -negative_end
        reframe = _fit(match.expand(rule.reframe), at_sentence_start=bool(_SENTENCE_END.search(plain[:start])))
        findings.append(Finding(rule.id, start, end, text[start:end], rule.why, reframe))
    return findings


def rewrite(book: Phrasebook, text: str) -> str:
    """The whole draft with every finding replaced by its reframe, spacing and capitals tidied."""
    out = text
    for finding in reversed(coach(book, text)):
        out = out[: finding.start] + finding.reframe + out[finding.end :]
    out = re.sub(r"[ \t]{2,}", " ", out)
    out = re.sub(r"\s+([,.;:!?])", r"\1", out)
    out = re.sub(r"([.!?])[,;]", r"\1", out)  # a dropped opener can leave "Sure., the"
    out = re.sub(r"(^|[.!?]\s+)([a-z])", lambda m: m.group(1) + m.group(2).upper(), out.strip())
    return out


def _fit(words: str, at_sentence_start: bool) -> str:
    if not words:
        return words
    if at_sentence_start:
        return words[0].upper() + words[1:]
    if _STARTS_WITH_I.match(words):
        return words
    return words[0].lower() + words[1:]
