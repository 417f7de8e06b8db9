"""What the customer asked for, and what their trouble is, in their own words: the top of a handoff.

A supervisor picking up a case first needs "what happened" and "what would settle it". Both come
from the customer's messages, as short phrases cut from what they typed. Results are redacted
(a phrase cut short must not leave half a card number behind) but not escaped: callers quote().
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.safety import redact, truncate

# Curly and stray apostrophes typed on phones, unified so "I’d like" reads as "I'd like".
_APOSTROPHES = str.maketrans("\u2019\u2018\u02bc\u00b4", "''''")
_SENTENCE = re.compile(r"[^.!?;\n]+[.!?;]*")

# Verbs a customer uses to ask for something to be done, in "please …", "can you …" and bare imperatives.
_ACTIONS = (
    r"refund|replace|cancel|close|delete|remove|fix|repair|reverse|undo|escalate|call|ring|phone|email|e-mail"
    r"|text|ship|send|resend|deliver|expedite|credit|waive|reimburse|compensate|unlock|restore|reactivate"
    r"|stop|transfer|connect|put\s+me\s+through|speak|talk|get|give|honou?r|match|upgrade|downgrade|switch"
)
_WHAT = r"(?P<what>[^.!?;\n]+)"
_ASKS = (
    # all I'm asking is …, all I want is …, what I need is …
    re.compile(
        r"(?i)\ball\s+(?:i(?:'m|\s+am)\s+asking(?:\s+for)?(?:\s+is)?|i\s+(?:want|need|ask|expect)(?:\s+is)?)\s+"
        + _WHAT
    ),
    re.compile(r"(?i)\bwhat\s+i\s+(?:really\s+)?(?:want|need|expect)\s+is\s+" + _WHAT),
    # I want …, I just need …, I expect …, I'm asking for …, I'd like …
    re.compile(
        r"(?i)\bi\s+(?:(?:just|really|only|simply|still|honestly|actually|now)\s+)*"
        r"(?:want|need|expect|demand|require|deserve)\s+" + _WHAT
    ),
    re.compile(
        r"(?i)\bi(?:'m|\s+am)\s+(?:(?:just|only|simply)\s+)?(?:asking\s+for|requesting|demanding)\s+" + _WHAT
    ),
    re.compile(
        r"(?i)\bi(?:'d|\s+would)\s+(?:(?:really|just|much\s+rather)\s+)?(?:like|love|prefer|appreciate)\s+" + _WHAT
    ),
    # can you refund me …, could someone call me …, can I get a refund …
    re.compile(
        r"(?i)\b(?:can|could|would|will|may)\s+(?:you|someone|somebody|anyone|i)\s+(?:(?:please|just|kindly)\s+)*"
        rf"(?P<what>(?:{_ACTIONS})\b[^.!?;\n]*)"
    ),
    # a sentence that starts with the request: "Cancel my account.", "Please just refund me."
    re.compile(
        rf"(?i)^\s*(?:(?:please|pls|just|kindly|so|now|ok|okay|then)[\s,]+)*(?P<what>(?:{_ACTIONS})\b[^.!?;\n]*)"
    ),
)
# Words in front of a match that make it a question or a condition, not a request ("if I want a refund").
_NOT_A_REQUEST = re.compile(r"(?i)\b(?:do|does|did|if|whether|unless|when|why|should|not|never|how)\s+$")
# Where the request ends and the customer's reasons or threats begin.
_CLAUSE_END = re.compile(
    r"(?i)(?:,\s*|\s+)(?:but|because|cause|cuz|since|so\s+that|so|or\s+else|or\s+i\b|or\s+we\b|otherwise|which"
    r"|if|unless|and\s+i\b|and\s+then|thanks|thank\s+you|this\s+is|it's|its)\b"
)
_LEADING = re.compile(r"(?i)^(?:(?:to|for|is|that|you\s+to|(?:get|give|send)\s+me|get|have)\s+)+")
_TRAILING = re.compile(r"(?i)(?:[\s,:\-–—\"']+|\s+(?:please|pls|plz|thanks|thx))+$")
# Phrases that say the customer wants to talk, not what they want done.
_NOT_AN_OUTCOME = re.compile(
    r"(?i)^(?:know|say|tell|understand|ask|complain|mention|point|vent|be\s+(?:honest|clear)|clarify|add|note"
    r"|help|some\s+help|this|that|it|you|answers?|an?\s+answer|a\s+minute|a\s+moment|to)$"
    r"|^(?:know|say|tell\s+you|understand|ask\s+(?:you|why|if|whether)|complain|mention|point\s+out|vent|be\s+honest)\b"
)
_MAX_WORDS = 12
_OUTCOME_LIMIT = 80


def _tidy(phrase: str) -> str | None:
    end = _CLAUSE_END.search(phrase)
    if end:
        phrase = phrase[: end.start()]
    phrase = _LEADING.sub("", phrase.strip())
    phrase = _TRAILING.sub("", phrase).strip()
    if not phrase or _NOT_AN_OUTCOME.search(phrase):
        return None
    phrase = " ".join(redact(phrase).split()[:_MAX_WORDS])
    return truncate(phrase, _OUTCOME_LIMIT)


def _requests(message: str) -> list[tuple[int, str]]:
    """Every explicit request in one message, with where it starts."""
    found = []
    plain = message.translate(_APOSTROPHES)
    for sentence in _SENTENCE.finditer(plain):
        text = sentence.group()
        for pattern in _ASKS:
            for m in pattern.finditer(text):
                if _NOT_A_REQUEST.search(text, 0, m.start()):
                    continue
                start = sentence.start() + m.start("what")
                phrase = _tidy(message[start : sentence.start() + m.end("what")])
                if phrase:
                    found.append((start, phrase))
    return found


def wanted_outcome(messages: Sequence[str]) -> str | None:
    """The outcome the customer asked for ("a refund", "my order by Friday"), the latest request; None if none."""
    for message in reversed(messages):
        found = _requests(message)
        if found:
            return max(found)[1]
    return None


# Words that name a problem; a sentence holding one is the customer's issue.
_PROBLEM = re.compile(
    r"(?i)\b(?:not\s+working|doesn'?t\s+work|does\s+not\s+work|stopped\s+working|won'?t|can'?t|cannot|unable"
    r"|broken|broke|(?:double[\s-]?|over)?charged|billed\s+twice|overbilled|late|delayed|delay|missing"
    r"|never\s+(?:arrived|came|got|received)|hasn'?t\s+(?:arrived|come)|not\s+(?:arrived|received|delivered)"
    r"|didn'?t\s+(?:arrive|receive|get|work)|haven'?t\s+(?:received|got|heard)|refunds?|waiting|waited|still"
    r"|error|crash(?:es|ed|ing)?|down|outage|wrong|damaged|defective|faulty|lost|fail(?:ed|s|ing)?|problem"
    r"|issue|bug|locked|declined|stuck|slow|cancell?ed)\b"
)
_GREETING = re.compile(
    r"^(?i:hi|hello|hey|dear|good\s+(?:morning|afternoon|evening)|greetings)"
    r"(?:\s+(?i:there|team|all|everyone|support|folks|guys)|\s+[A-Z][\w'-]*)?\s*[,!:.\-]*\s+"
)
_SMALL_TALK = re.compile(r"(?i)^(?:thanks?|thank\s+you|ok(?:ay)?|hi|hello|hey|yes|no|please)\b[\s\w]{0,12}$")
_REPEATED_MARK = re.compile(r"([!?.])[!?.]+")


def issue_line(messages: Sequence[str], limit: int = 90) -> str:
    """One line naming the customer's problem, from the first sentence that names one; "" if they said nothing."""
    sentences = []
    for message in messages:
        for m in _SENTENCE.finditer(message.translate(_APOSTROPHES)):
            text = _GREETING.sub("", " ".join(m.group().split()))
            if text and not _SMALL_TALK.match(text.rstrip(".!?;")):
                sentences.append(text)
    if not sentences:
        return ""
    chosen = next((s for s in sentences if _PROBLEM.search(s)), None)
    chosen = chosen or next((s for s in sentences if len(s.split()) >= 3), sentences[0])
    line = _REPEATED_MARK.sub(r"\1", redact(chosen)).rstrip(" .,;:")
    line = line[:1].upper() + line[1:]
    return truncate(line, max(limit - 1, 0))
