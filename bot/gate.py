"""The whisper gate: whether a customer message is worth interrupting the agent for.

Pure, one decision, no state of its own. A support channel is full of polite problem reports
("my order hasn't arrived, could you check?"); the agent handles those without help, and a whisper
on every one would teach agents to ignore whispers. So a moment passes the gate only when:

- the customer abuses the agent (the boundary ladder takes it from there), or a threat or hate is
  read (always); or
- a pressing flag is new (a manager demand, a threat to leave, to sue or to go public, backed by a
  signal of weight >= 0.4: "cancel the extra seat" is an errand) and the message reads at least
  `uneasy`; or
- the thread's level rose (or a flag is new) to `tense` or above, backed by one strong warning sign
  (frustration, volume, repeat contact, pressure or harm at weight >= 0.45: "unacceptable", "third
  time", shouting, sarcasm, an ultimatum) or two different ones (waiting, a repeated question, a terse
  reply, a transfer count here but never alone). Learned word weights move the score but are not
  a sign (except offense aimed at "you" read at >= 0.9); a topic (refund, billing, outage, defect,
  compensation) never counts; `uneasy` never whispers on its own.
- when an agent first picks up a thread nobody had answered, one of the customer's recent messages
  passed this gate (the agent gets early words for where the thread stands).
"""

from __future__ import annotations

from bot.detector import Reading, Signal
from bot.vocabulary import SEVERE, level_index

PRESSING = frozenset({"authority", "churn"})
# The signals behind a pressing flag, and how strong one must be: "cancel the extra seat" is an errand
# (churn 0.15), "cancel my account" or "I'm cancelling" a threat to leave (>= 0.45).
_BEHIND = {"authority": frozenset({"authority", "compensation"}), "churn": frozenset({"churn", "legal", "public"})}
PRESSING_MIN = 0.4
# What the trouble is about, not how the customer feels ("can I get my money back?" is a refund
# request; a demand beyond the agent's reach raises the `authority` flag instead).
TOPICS = frozenset({"refund", "billing", "outage", "defect", "compensation"})
# Signs that, however strong, are one part of an ordinary report ("hasn't moved for 2 days, is that
# normal?"): they count towards two signs but never whisper alone.
MILD = frozenset({"delay", "terse", "repeat_question", "transfer"})
# A sign this strong whispers alone ("unacceptable", "third time", shouting, sarcasm, an ultimatum).
STRONG = 0.45
# Signals raised by learned word weights alone (tweet-trained) rank messages but are not evidence
# for a whisper: support chat is not Twitter ("tracking, please, check", "intermediate priced" read
# angry to a tweet model). The one exception is offense aimed at "you" that the head is sure of.
LEARNED_ABUSE_BAR = 0.9
# A cue this weak ("no", one "?!") does not count as a sign at all.
FAINT = 0.2


def warning_signs(reading: Reading) -> tuple[Signal, ...]:
    """The reading's signals that count as evidence for a whisper."""
    return tuple(
        s for s in reading.signals
        if s.kind not in TOPICS and s.weight >= FAINT and (not s.learned or (s.kind == "abuse" and s.weight >= LEARNED_ABUSE_BAR))
    )


def enough_evidence(reading: Reading) -> bool:
    """One strong sign, or two different signs."""
    signs = warning_signs(reading)
    if any(s.kind not in MILD and s.weight >= STRONG for s in signs):
        return True
    return len({s.kind for s in signs}) >= 2


def worth_whispering(
    reading: Reading, before_level: str, before_flags: frozenset[str], abusive: bool, whispered_level: str = "calm"
) -> bool:
    """True when this customer message should reach the agent (or, unanswered, the supervisors).

    The level counts as risen when it is above the thread's level before this message, or above the
    level last whispered (a thread that turned tense on mild signs gets its whisper when a strong one comes)."""
    if abusive or SEVERE & set(reading.flags):
        return True
    new_flags = frozenset(reading.flags) - before_flags - {"abusive"}
    level = level_index(reading.level)
    if level >= level_index("uneasy") and any(_pressing(reading, flag) for flag in PRESSING & new_flags):
        return True
    if not (level > level_index(before_level) or level > level_index(whispered_level) or new_flags):
        return False
    return level >= level_index("tense") and enough_evidence(reading)


def _pressing(reading: Reading, flag: str) -> bool:
    return any(s.kind in _BEHIND[flag] and s.weight >= PRESSING_MIN for s in reading.signals)


def worth_early_words(level: str, lines: list[str], abuse_seen: bool, language: str = "en") -> bool:
    """When an agent first picks up a thread: whisper only if it reads tense and one of the
    customer's recent messages (`lines`, their texts) would have passed the gate on its own."""
    if level_index(level) < level_index("uneasy") or (not abuse_seen and level_index(level) < level_index("tense")):
        return False
    from bot.detector import score

    for text in lines[-3:]:
        reading = score(text, language=language)
        if worth_whispering(reading, "calm", frozenset(), abuse_seen and "abuse" in reading.triggers):
            return True
    return False
