"""The tension detector: per-message signals that say why, and a compact per-thread trend.

A message's score combines learned linear heads (tension, offense, hate: bot/detector_model.py,
trained by scripts/train_detector.py, shipped in bot/data/) with hand-written cues
(bot/detector_lexicon.py) that carry the words which raised them; learned signals name their
top-weighted words. Threats and hate are flagged whatever the score. Whether a reading is worth a
whisper is bot/gate.py's decision, not this module's.
Cost is linear in the message length: a few C-level passes (tokenize, one set intersection with
the cue words, one C-level weight sum for two heads) plus work per cue actually found; a message
with nothing to explain returns from a fast path.
"""

from __future__ import annotations

import math
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

from bot import detector_lexicon as lex
from bot import detector_model
from bot.detector_text import DROP, NEGATORS, read_tokens, register_star_words
from bot.vocabulary import FLAGS, LEVELS, TRIGGERS

# Level boundaries on `tension`: calm < 0.3 <= uneasy < 0.5 <= tense < 0.8 <= heated.
_BOUNDS = (0.3, 0.5, 0.8)
ABUSIVE_AT = 0.5
# How strongly a cue of each kind (weight 1.0) moves the tension logit; topics barely move it.
_TENSION_GAIN = {"refund": 1.0, "billing": 1.0, "outage": 1.5, "defect": 1.5, "abuse": 4.0, "profanity": 2.0}
_DEFAULT_GAIN = 3.0
_ABUSE_GAIN = {"abuse": 6.0, "profanity": 2.5, "threat": 8.0, "hate": 8.0}
_FLAG_OF = {"threat": "threat", "hate": "hate", "authority": "authority", "churn": "churn", "legal": "churn",
            "public": "churn", "repeat_question": "repeat", "repeat_contact": "repeat"}
# Learned logits map to tension so that no evidence reads calm, and the val-tuned decision reads 0.5.
_NEUTRAL_TENSION = 0.15
# Topics say what the trouble is about, not how the customer feels; they never block the polite credit.
_TOPICS = frozenset({"refund", "billing", "outage", "defect"})
# Politeness lowers the logit this much while no cue is stronger than _POLITE_UNTIL.
_POLITE_CREDIT = 1.0
_POLITE_UNTIL = 0.45
_FURTHER_KIND = 0.7
_MORE_EVIDENCE = 0.25


@dataclass(frozen=True)
class Signal:
    kind: str  # one of bot.vocabulary.TRIGGERS
    evidence: str  # the words that raised it, as written
    weight: float  # strength in [0, 1]
    learned: bool = False  # raised by the learned heads' word weights, not by a cue (not in the JSON)

    def __init__(self, kind: str, evidence: str, weight: float, learned: bool = False) -> None:
        # One dict update instead of the frozen dataclass's four object.__setattr__ calls (a hot path).
        self.__dict__.update(kind=kind, evidence=evidence, weight=weight, learned=learned)


@dataclass(frozen=True)
class Reading:
    tension: float
    level: str
    abuse: float
    flags: tuple[str, ...]
    signals: tuple[Signal, ...]

    def __init__(self, tension: float, level: str, abuse: float, flags: tuple[str, ...], signals: tuple[Signal, ...]) -> None:
        # Built once per message: one dict update instead of five object.__setattr__ calls.
        self.__dict__.update(tension=tension, level=level, abuse=abuse, flags=flags, signals=signals)

    @property
    def triggers(self) -> frozenset[str]:
        return frozenset(s.kind for s in self.signals)

    def to_dict(self) -> dict:
        """Exactly the `deescalate score` output object."""
        return {
            "tension": self.tension,
            "level": self.level,
            "abuse": self.abuse,
            "flags": list(self.flags),
            "signals": [{"kind": s.kind, "evidence": s.evidence, "weight": s.weight} for s in self.signals],
        }


# --- the learned heads -------------------------------------------------------------------------


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


_NEUTRAL_LOGIT = _logit(_NEUTRAL_TENSION)
_CALM_LOGIT = _logit(_BOUNDS[0])
# With support cues found, learned calm words do not pull the cues' tension below neutral.
_CUE_FLOOR = _NEUTRAL_LOGIT
_ABUSIVE_LOGIT = _logit(ABUSIVE_AT)
# The hate head flags `hate` on its own only this far (in logit) past its val-tuned decision, and
# only with the offense head also past its own: HatEval's hate is about groups, not the agent.
_HATE_MARGIN = 2.0


# Weak learned evidence is mostly tweet habit ("need", "extra", "tracking"): below _SOFT_FROM it moves
# tension at half its weight; stronger evidence counts in full beyond that point. Monotone,
# so the ranking (AUC) is the head's own.
_SOFT_FROM = 0.5
_SOFT_SLOPE = 0.5


def _soft(e: float) -> float:
    if e <= _SOFT_FROM:
        return _SOFT_SLOPE * e
    return _SOFT_SLOPE * _SOFT_FROM + (e - _SOFT_FROM)


def _sigmoid(x: float) -> float:
    if x < -30:
        return 0.0
    if x > 30:
        return 1.0
    return 1 / (1 + math.exp(-x))


# Everyday support words keep no tweet-learned tension weight (see lex.SUPPORT_NEUTRAL).
_MODEL = detector_model.load({"tension": detector_model.STOPWORDS | lex.SUPPORT_NEUTRAL}, DROP)
_TENSION = _MODEL.heads["tension"]
_OFFENSE = _MODEL.heads["offense"]
_HATE = _MODEL.heads["hate"]
# A message's tension logit is neutral + gain * (the tension head's evidence): no evidence reads
# calm, and the gain (tuned on val by scripts/train_detector.py) sets how far words alone can go.
_TENSION_GAIN_LEARNED = _MODEL.meta["tension"].get("gain", 1.0)
# The hate head reads 0.5 at its val-tuned decision. The offense head's val-tuned decision flags a
# third of tweets (OLID's share) and, on our own support-chat lines, one calm message in ten
# ("Quick question: do you ship to Norway?"); so `abuse` reads 0.5 where the head alone reads 0.8
# (3 of 218 calm and mildly unhappy support lines flagged instead of 23). Offense from learned words alone lifts tension and
# counts as abuse of the agent only from _LEARNED_ABUSE on (below, it is `profanity` evidence).
_LEARNED_ABUSE_MARGIN = _logit(0.8)
_LEARNED_ABUSE = 0.8
_HARM = frozenset({"abuse", "profanity", "threat", "hate"})
_OFFENSE_ZERO = _OFFENSE.intercept - _OFFENSE.threshold - _LEARNED_ABUSE_MARGIN
_HATE_ZERO = _HATE.intercept - _HATE.threshold

# One index from word to its cues, so a message's cue words are one set intersection away.
_WORD_CUES: dict[str, tuple[tuple[str, float], ...]] = {}
for _kind, _table in (
    ("frustration", lex.FRUSTRATION), ("delay", lex.DELAY), ("repeat_contact", lex.REPEAT_CONTACT),
    ("transfer", lex.TRANSFER), ("refund", lex.REFUND), ("billing", lex.BILLING), ("outage", lex.OUTAGE),
    ("defect", lex.DEFECT), ("churn", lex.CHURN), ("legal", lex.LEGAL), ("public", lex.PUBLIC),
    ("authority", lex.AUTHORITY), ("compensation", lex.COMPENSATION),
):
    for _w, _s in _table.items():
        _WORD_CUES[_w] = _WORD_CUES.get(_w, ()) + ((_kind, _s),)
        if _kind not in ("frustration", "compensation"):
            # Topics stay topics when negated: "no refund yet" is still about a refund.
            _WORD_CUES["neg_" + _w] = _WORD_CUES.get("neg_" + _w, ()) + ((_kind, _s),)
_HARM_WORDS = frozenset(lex.PROFANITY) | frozenset(lex.INSULT_NOUNS) | frozenset(lex.INSULT_ADJECTIVES) | lex.SLURS
_CUE_WORDS = frozenset(_WORD_CUES) | _HARM_WORDS | frozenset(lex.PHRASES)
_PHRASES = lex.PHRASES
_KNOWN = frozenset(_MODEL.scored) | lex.KNOWN_WORDS | DROP
register_star_words(lex.KNOWN_WORDS)
assert {kind for cues in _WORD_CUES.values() for kind, _ in cues} <= TRIGGERS

# What each cue word sets off: its ready-made word cues, the phrases anchored on it, whether it can harm.
_PLAN: dict[str, tuple[tuple[tuple[str, str, float], ...], tuple[lex.Phrase, ...], bool]] = {
    # A negated topic reads "no refund"; a negated good word reads "not happy".
    w: (tuple((k, w.replace("neg_", "not " if k == "frustration" else "no "), s) for k, s in _WORD_CUES.get(w, ())), lex.PHRASES.get(w, ()), w in _HARM_WORDS)
    for w in _CUE_WORDS
}
def _literals(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Strings of which a match must contain at least one (per top-level alternative, its longest run
    of plain characters), or None when some alternative has none: a C-level substring test then
    rules a phrase out before its regex runs (most phrase searches find nothing)."""
    try:
        from re import _parser  # the stdlib's own regex parser
        from re._constants import BRANCH, LITERAL

        if pattern.flags & re.IGNORECASE:
            return None
        parsed = list(_parser.parse(pattern.pattern))
        branches = parsed[0][1][1] if len(parsed) == 1 and parsed[0][0] is BRANCH else [parsed]
        out = []
        for branch in branches:
            best = run = ""
            for op, av in branch:
                run = run + chr(av) if op is LITERAL else ""
                if len(run) > len(best):
                    best = run
            if len(best) < 2:
                return None
            out.append(best)
        return tuple(out)
    except Exception:  # an unusual pattern is simply always searched
        return None


_NEEDS = {ph.pattern: _literals(ph.pattern) for phrases in lex.PHRASES.values() for ph in phrases}

# Whether the volume reader can find anything: the text's bytes are mapped to its shape in one C-level
# pass (capital -> "U", ! and ? -> "!"), so "two capitals or two marks in a row" is a substring test.
# Capitals outside ASCII are noticed by comparing two C-level lower-casings, ASCII-only and full.
_SHAPE = bytes.maketrans(
    bytes(range(256)), bytes(85 if 65 <= c <= 90 else 33 if c in (33, 63) else 32 for c in range(256))
)


def _may_be_loud(text: str) -> bool:
    raw = text.encode("utf-8", "surrogatepass")
    shape = raw.translate(_SHAPE)
    if b"UU" in shape or b"!!" in shape:
        return True
    return not text.isascii() and raw.lower() != text.lower().encode("utf-8", "surrogatepass")


_PUNCT_RUN_RE = re.compile(r"[!?][!?1]+")
_MONEY_RE = re.compile(r"[$€£]\s?(\d[\d,]{2,})|\b(\d[\d,]{2,})\s?(?:dollars|euros|pounds|usd|eur|gbp)\b")
_EDGE = "!?.,:;'\"()[]{}<>*"
_QUOTED_RE = re.compile(r'"[^"\n]{1,300}"|`[^`\n]{1,300}`|\u201c[^\u201d\n]{1,300}\u201d')
# Capitalised function words make a shouted sentence; codes and form labels have none.
_SHOUT_FUNCTION = frozenset(
    "IS THE YOU YOUR MY ME THIS THAT WHY NOT ARE WHAT WHERE WHEN HOW DO DOES DID DONT CANT CAN WILL "
    "AND IT HAVE HAS WAS STILL NOW NEVER AGAIN EVER ANY ALL JUST STOP".split()
)
_LOUD_WORDS = frozenset(lex.FRUSTRATION) | frozenset(lex.PROFANITY) | frozenset(lex.INSULT_NOUNS) | frozenset(lex.INSULT_ADJECTIVES) | frozenset(
    {"help", "please", "fix", "answer", "refund", "cancel", "wrong", "broken", "nothing", "never", "now", "again", "stop", "why"}
)
_ACRONYMS = frozenset({"ASAP", "USA", "PDF", "FAQ", "API", "URL", "CEO", "USD", "EUR", "GBP", "SMS", "VPN", "IOS", "APP", "UK", "EU", "ETA", "DM", "LOL", "OMG"})


# --- one message --------------------------------------------------------------------------------


def score(text: str, *, language: str = "en") -> Reading:
    """Read one message with no context, in the workspace language (see _language)."""
    if language != "en" and (lang := _language(language)) is not _ENGLISH:
        return lang.score(text)
    extra: tuple[tuple[str, str, float], ...] = ()
    if len(text) <= 12 and text.strip(" .!").lower() in lex.DISMISSIVE:
        extra = (("terse", text.strip(), 0.2),)
    return _read(text, extra)


def _analyse(text: str) -> tuple:
    """The message's tokens, with quoted passages left out: a film title, a quoted error message or
    a quoted reply ("Liar Liar", "INVALID TOKEN") is not the customer's own voice."""
    if '"' in text or "\u201c" in text:
        text = _QUOTED_RE.sub(" | ", text)
    return read_tokens(text, _KNOWN)


def _read(text: str, extra: tuple[tuple[str, str, float], ...], analysed: tuple | None = None) -> Reading:
    """Score a message plus cues found from thread context."""
    if not isinstance(text, str):
        raise TypeError("text must be a str")
    toks, stretched, uniq = analysed or _analyse(text)
    # The model reads the tokens as they are (noise tokens weigh nothing); only the count leaves them out.
    n_words = len(toks)
    if not DROP.isdisjoint(uniq):
        for noise in DROP.intersection(uniq):
            n_words -= toks.count(noise)
    e_tension, e_offense = _MODEL.read(toks, uniq, n_words)
    cues: list[tuple[str, str, float]] = list(extra) if extra else []
    object_swearing = False
    cue_words = _CUE_WORDS.intersection(uniq)
    if cue_words:
        object_swearing = _find_cues(toks, cue_words, cues)
    if stretched or _may_be_loud(text):
        _find_volume(text, stretched, cues)
    if "$" in text or "€" in text or "£" in text or "dollar" in text or "euro" in text or "pound" in text:
        _find_money(text, cues)

    t_learned = t_logit = _NEUTRAL_LOGIT + _TENSION_GAIN_LEARNED * _soft(e_tension)
    a_logit = _OFFENSE_ZERO + e_offense
    if not cues:
        if t_learned <= _CALM_LOGIT and a_logit < _ABUSIVE_LOGIT:
            # The common case: nothing to explain, so no signals, flags or merging to build.
            tension = int(_sigmoid(t_logit) * 1000 + 0.5) / 1000  # round(x, 3) for x >= 0, cheaper
            return Reading(tension, "calm" if tension < _BOUNDS[0] else level_for(tension), int(_sigmoid(a_logit) * 1000 + 0.5) / 1000, (), ())
        kinds = {}
    else:
        kinds = _combine(cues)
        if t_logit < _CUE_FLOOR:
            # Tweet-learned calm words ("broken" hearts) must not cancel the support cues found.
            t_logit = _CUE_FLOOR
        strongest = 0.0
        lifts = []
        top = _strongest_cues(cues) if len(cues) > len(kinds) else None
        for kind, (_, w) in kinds.items():
            # More evidence of the same kind ("I was promised…, nobody called") is still one sign:
            # it lifts tension a little beyond its strongest piece, not as much as a new kind.
            lift_w = w if top is None else top[kind] + _MORE_EVIDENCE * (w - top[kind])
            lifts.append(_TENSION_GAIN.get(kind, _DEFAULT_GAIN) * lift_w)
            a_logit += _ABUSE_GAIN.get(kind, 0.0) * w
            if kind not in _TOPICS and w > strongest:
                strongest = w
        if len(lifts) == 1:
            t_logit += lifts[0]
        else:
            # Each further kind of trouble adds less: two signs make a tense message, not a heated one.
            lifts.sort(reverse=True)
            t_logit += sum(lift * _FURTHER_KIND**i for i, lift in enumerate(lifts))
        if strongest < _POLITE_UNTIL and not lex.POLITE.isdisjoint(uniq):
            # A problem reported politely ("hasn't arrived yet, could you check?") is not yet tension;
            # sarcasm and strong cues ("thanks for nothing") are above the bar and keep their weight.
            t_logit -= _POLITE_CREDIT
    tension = _sigmoid(t_logit)
    abuse = _sigmoid(a_logit)
    if object_swearing and not kinds.keys() & {"abuse", "threat", "hate"}:
        # "this f***ing app" is swearing about a thing, not abuse of the agent.
        abuse = min(abuse, ABUSIVE_AT - 0.05)
    learned_kinds: set[str] = set()
    if t_learned > _CALM_LOGIT and "frustration" not in kinds:
        top = _top_words(uniq)
        if top:
            kinds["frustration"] = (", ".join(top), round(_sigmoid(t_learned), 2))
            learned_kinds.add("frustration")
    if abuse >= ABUSIVE_AT and not kinds.keys() & {"abuse", "profanity", "threat", "hate"}:
        # Offense read from learned words alone says which words raised it, and whether it is aimed
        # at the reader ("you ...": abuse) or at a thing or a third party (profanity).
        top = _MODEL.top("offense", uniq)
        if top:
            kind = "abuse" if abuse >= _LEARNED_ABUSE and not lex.SECOND_PERSON.isdisjoint(uniq) else "profanity"
            kinds[kind] = (", ".join(_shown(t) for t in top), round(abuse, 2))
            learned_kinds.add(kind)
    if a_logit >= 0 and "hate" not in kinds and (h_logit := _HATE_ZERO + _MODEL.evidence("hate", toks, n_words)) >= _HATE_MARGIN:
        top = _MODEL.top("hate", uniq)
        if top:
            kinds["hate"] = (", ".join(_shown(t) for t in top), round(_sigmoid(h_logit), 2))
            learned_kinds.add("hate")

    if not kinds:
        tension = round(tension, 3)
        flags: tuple[str, ...] = ()
        if abuse >= ABUSIVE_AT:
            flags, tension = ("abusive",), max(tension, 0.6) if abuse >= _LEARNED_ABUSE else tension
        return Reading(tension, level_for(tension), round(abuse, 3), flags, ())
    flag_set = {_FLAG_OF[kind] for kind in kinds if kind in _FLAG_OF}
    if "compensation" in kinds and kinds["compensation"][1] >= 0.6:
        flag_set.add("authority")  # a demand beyond what an agent may grant
    if abuse >= ABUSIVE_AT:
        flag_set.add("abusive")
        if abuse >= _LEARNED_ABUSE or not learned_kinds.issuperset(kinds.keys() & _HARM):
            tension = max(tension, 0.6)
    if "threat" in flag_set or "hate" in flag_set:
        tension = max(tension, 0.9)
        abuse = max(abuse, 0.9)
        flag_set.add("abusive")
    if len(kinds) == 1:
        ((k, (ev, w)),) = kinds.items()
        signals: tuple[Signal, ...] = (Signal(k, ev, w, k in learned_kinds),)
    else:
        signals = tuple(Signal(k, ev, w, k in learned_kinds) for k, (ev, w) in sorted(kinds.items(), key=_strength))
    tension = round(tension, 3)  # the level is read from the value reported, so the two always agree
    flags = tuple(f for f in FLAGS if f in flag_set) if flag_set else ()
    return Reading(tension, level_for(tension), round(abuse, 3), flags, signals)


def _strongest_cues(cues: list[tuple[str, str, float]]) -> dict[str, float]:
    top: dict[str, float] = {}
    for kind, _, w in cues:
        if w > top.get(kind, 0.0):
            top[kind] = w
    return top


def _strength(item: tuple[str, tuple[str, float]]) -> float:
    return -item[1][1]


def level_for(tension: float) -> str:
    """The level a tension value falls in."""
    for i, bound in enumerate(_BOUNDS):
        if tension < bound:
            return LEVELS[i]
    return LEVELS[-1]


def _top_words(uniq: set[str], n: int = 3) -> list[str]:
    # The tension head's strongest words in this message (ties broken by the word: stable).
    return [_shown(t) for t in _MODEL.top("tension", uniq, n)]


def _shown(token: str) -> str:
    return token.replace("neg_", "not ") if "neg_" in token else token


def _combine(cues: list[tuple[str, str, float]]) -> dict[str, tuple[str, float]]:
    """Merge cues per kind: evidence joined, strengths combined as independent chances."""
    if len(cues) == 1:
        kind, evidence, w = cues[0]
        strength = round(1.0 - (1.0 - w), 2)
        return {kind: (evidence, strength)} if 1.0 - (1.0 - w) > 0 else {}
    merged: dict[str, tuple[list[str], float]] = {}
    for kind, evidence, w in cues:
        words, miss = merged.get(kind, ([], 1.0))
        if evidence not in words:
            words.append(evidence)
            miss *= 1.0 - w
        merged[kind] = (words, miss)
    return {k: (", ".join(ws[:4]), round(1.0 - miss, 2)) for k, (ws, miss) in merged.items() if 1.0 - miss > 0}


def _find_cues(toks: list[str], words: set[str] | frozenset[str], cues: list[tuple[str, str, float]]) -> bool:
    """Add word and phrase cues for the cue words present; return True for swearing at a thing."""
    joined = ""
    object_swearing = False
    positions: dict[str, list[int]] = {}
    # In the order written, so evidence reads like the message (and never depends on set order).
    for word in sorted(words, key=toks.index) if len(words) > 1 else words:
        word_cues, phrases, harm = _PLAN[word]
        if word_cues:
            cues.extend(word_cues)
        if phrases:
            joined = joined or " ".join(toks)
            for phrase in phrases:
                need = _NEEDS[phrase.pattern]
                if need is not None:
                    for part in need:
                        if part in joined:
                            break
                    else:
                        continue
                m = _search_near(phrase.pattern, joined, word)
                if m:
                    cues.append((phrase.kind, _readable(m), phrase.weight))
        if harm:
            if not positions:
                harmful = words & _HARM_WORDS
                for i, t in enumerate(toks):
                    if t in harmful:
                        positions.setdefault(t, []).append(i)
            object_swearing |= _harm(word, toks, positions[word][:8], cues)
    return object_swearing


def _readable(match: str) -> str:
    # Undo the tokenizer's markers so evidence reads as the customer wrote it: with its negator
    # quoted the marker just goes ("never mind", "can't you"); alone it reads "not".
    match = match.replace(" | ", ", ").replace("|", "")
    if "neg_" in match:
        negated = not NEGATORS.isdisjoint(match.split())
        match = match.replace("neg_", "" if negated else "not ")
    return match.strip(" ,")


_WINDOW = 120
_MAX_WINDOWS = 24


def _search_near(pattern: re.Pattern[str], joined: str, anchor: str) -> str | None:
    # Short text: one search. Long text: only windows around the anchor's first occurrences, so
    # a 40,000-character message full of cue words still costs a bounded, linear amount.
    if len(joined) <= 4 * _WINDOW:
        m = pattern.search(joined)
        return m.group(0) if m else None
    at = joined.find(anchor)
    for _ in range(_MAX_WINDOWS):
        if at < 0:
            return None
        m = pattern.search(joined, max(0, at - _WINDOW), at + _WINDOW)
        if m:
            return m.group(0)
        at = joined.find(anchor, at + _WINDOW)
    return None


def _harm(word: str, toks: list[str], positions: list[int], cues: list[tuple[str, str, float]]) -> bool:
    """Classify a swear word, insult or slur by what it is aimed at."""
    if word in lex.SLURS:
        cues.append(("hate", word, 0.95))
        return False
    if word in lex.PROFANITY:
        # Swearing is never quoted as aimed: abuse comes from the phrases ("f*ck you") and insults.
        w = lex.PROFANITY[word]
        if w <= 0:
            return False
        cues.append(("profanity", word, w))
        return any(i > 0 and toks[i - 1] in lex.OBJECT_DETERMINERS for i in positions)
    aimed = any(_aimed_at_you(toks, i) for i in positions)
    if word in lex.INSULT_NOUNS:
        w = lex.INSULT_NOUNS[word]
        # Not aimed at anyone here ("Liar Liar", "the Clowns Cafe", "some idiots do that"): offensive
        # words, not abuse of the agent, so no boundary is suggested.
        cues.append(("abuse", _quote(toks, positions[0], True), w) if aimed else ("profanity", word, w * 0.6))
        return False
    if word in lex.INSULT_ADJECTIVES:
        if aimed:
            cues.append(("abuse", _quote(toks, positions[0], True), lex.INSULT_ADJECTIVES[word]))
        elif word not in lex.FRUSTRATION:
            cues.append(("frustration", word, lex.INSULT_ADJECTIVES[word] * 0.5))
        return False
    w = lex.PROFANITY.get(word, 0.3)
    if w <= 0:
        return False
    cues.append(("profanity", word, w))
    return any(i > 0 and toks[i - 1] in lex.OBJECT_DETERMINERS for i in positions)


def _aimed_at_you(toks: list[str], i: int) -> bool:
    # "you (are a|are such a|f***ing) idiot", "idiot, you" and "you people are morons".
    before = toks[max(0, i - 4) : i]
    after = toks[i + 1 : i + 2]
    if any(t in lex.SECOND_PERSON for t in before if t != "your") or any(t in lex.SECOND_PERSON for t in after):
        return True
    return i > 0 and toks[i - 1] == "your" and toks[i] in lex.INSULT_NOUNS


def _quote(toks: list[str], i: int, aimed: bool) -> str:
    if not aimed:
        return toks[i]
    start = max(0, i - 3)
    while start < i and toks[start] not in lex.SECOND_PERSON:
        start += 1
    return " ".join(toks[start : i + 1])


def _find_volume(text: str, stretched: list[str], cues: list[tuple[str, str, float]]) -> None:
    """Raised volume: words in capitals, runs of !/?, elongated words; codes and quotes are not volume."""
    if "!!" in text or "??" in text or "?!" in text or "!?" in text:
        runs = _PUNCT_RUN_RE.findall(text)
        if runs:
            longest = max(runs, key=len)
            # "???" alone is puzzlement as often as pressure; "!" carries the heat.
            w = 0.15 + 0.07 * len(longest) if "!" in longest else 0.1 + 0.05 * len(longest)
            cues.append(("volume", longest[:8], round(min(0.5 if "!" in longest else 0.3, w), 2)))
    if '"' in text or "`" in text or "\u201c" in text:
        text = _QUOTED_RE.sub(" ", text)  # a quoted error message is the app shouting, not the customer
    words = text.split()
    caps = []
    for w in filter(str.isupper, words):
        core = w.strip(_EDGE)
        # Codes, ids and acronyms are written in capitals: MDT, IAD, NO:37968132, ERR_TIMEOUT, SKU-7.
        if core.isalpha() and (len(core) >= 4 or core in lex.SHOUTED or core in _SHOUT_FUNCTION) and core not in _ACRONYMS:
            caps.append(core)
    if caps and (len(caps) >= 2 or _one_loud(caps[0], text)):
        # Capitals shout when they read as a sentence (a function word or a shouted demand among
        # them: "WHY IS THIS STILL BROKEN") or carry a feeling ("UNACCEPTABLE"); a form's
        # labels ("ACCOUNT NO", "METER READING") do neither.
        loud = [c for c in caps if c in _SHOUT_FUNCTION or c in lex.SHOUTED or c.lower() in _LOUD_WORDS]
        if not loud and len(caps) >= 3 and not all(c.isascii() for c in caps):
            # Capitals in another script or with accents ("¿DÓNDE ESTÁ MI PEDIDO?"): a sentence, not a code.
            loud = caps
        if loud:
            share = min(1.0, len(caps) / ((sum(len(w) >= 3 for w in words) or 1) if len(words) <= 40 else len(words)))
            shown = " ".join(caps[:4])
            # A whole sentence in capitals is shouting at full voice.
            top = 0.8 if len(caps) >= 3 and share >= 0.5 else 0.6
            cues.append(("volume", shown, round(min(top, 0.2 + 0.5 * share), 2)))
    if stretched:
        cues.append(("volume", ", ".join(stretched[:3])[:40], 0.25))


def _one_loud(word: str, text: str) -> bool:
    """One word in capitals shouts when it is a demand or a feeling, or is followed by '!'."""
    return word in lex.SHOUTED or word.lower() in _LOUD_WORDS or (word + "!") in text


def _find_money(text: str, cues: list[tuple[str, str, float]]) -> None:
    """Large sums demanded are beyond what a front-line agent can grant."""
    for m in _MONEY_RE.finditer(text):
        amount = int((m.group(1) or m.group(2)).replace(",", "") or 0)
        if amount >= 500:
            cues.append(("compensation", m.group(0), 0.6))
            return


# --- the thread ---------------------------------------------------------------------------------

_TRAJECTORY = 24
_QUESTIONS = 8
_LENGTHS = 6
_EWMA_NEW = 0.5
_STOP = frozenset(
    "i me my we our you your the a an is are was were be been am do does did to of in on for and or but it "
    "this that with at by from can could would will should have has had not no yes please hi hello thanks "
    "thank just so still any what when where why how who which there here they them he she his her about "
    "again get got im i'm it's its as if then than up out".split()
)
_QUESTION_WORDS = frozenset("how when where why what who which can could will would is are do does did has have".split())


@dataclass
class ThreadTension:
    """A thread's compact record: its trend, recent questions and reply lengths, and trajectory."""

    ewma: float = 0.0
    rise: float = 0.0
    last_level: str = "calm"
    questions: list[list[int]] = field(default_factory=list)  # fingerprints of recent customer messages
    lengths: list[int] = field(default_factory=list)  # word counts of recent customer messages
    trajectory: list[float] = field(default_factory=list)  # recent per-message tension, 2 decimals
    levels: list[str] = field(default_factory=list)  # the thread level after each of those messages
    messages: int = 0  # customer messages seen

    @property
    def level(self) -> str:
        return self.last_level

    def to_dict(self) -> dict:
        return {
            "ewma": round(self.ewma, 4), "rise": round(self.rise, 4), "level": self.last_level,
            "questions": self.questions, "lengths": self.lengths, "trajectory": self.trajectory,
            "levels": self.levels, "messages": self.messages,
        }

    @classmethod
    def from_dict(cls, d: dict) -> "ThreadTension":
        level = d.get("level", "calm")
        return cls(
            ewma=float(d.get("ewma", 0.0)), rise=float(d.get("rise", 0.0)),
            last_level=level if level in LEVELS else "calm",
            questions=[list(map(int, q)) for q in d.get("questions", [])][-_QUESTIONS:],
            lengths=[int(n) for n in d.get("lengths", [])][-_LENGTHS:],
            trajectory=[float(t) for t in d.get("trajectory", [])][-_TRAJECTORY:],
            levels=[str(v) for v in d.get("levels", [])][-_TRAJECTORY:], messages=int(d.get("messages", 0)),
        )


def _fingerprint(toks: list[str], stop: frozenset[str] = _STOP) -> list[int]:
    # Content words cut to 5 letters, hashed stably (the record outlives the process).
    stems = {t[4:][:5] if t.startswith("neg_") else t[:5] for t in toks if t.isalnum() or "_" in t}
    return sorted({zlib.crc32(s.encode()) & 0xFFFF for s in stems if s not in stop and len(s) > 1})[:12]


def _similar(a: list[int], b: list[int]) -> bool:
    if not a or not b:
        return False
    if a == b:
        return True  # short questions asked word for word again ("where is my parcel?")
    common = len(set(a) & set(b))
    return common >= 2 and common / len(set(a) | set(b)) >= 0.5


def observe(
    state: ThreadTension | None, text: str, speaker: str = "customer", *, language: str = "en"
) -> tuple[Reading, ThreadTension]:
    """Read a message in its thread; returns the reading (level and flags reflect the trend) and the new record."""
    lang = _ENGLISH if language == "en" else _language(language)
    state = state or ThreadTension()
    if speaker != "customer":
        # Agents' words are read (for coaching) but never move the customer's trend.
        return lang.read(text, (), None), ThreadTension.from_dict(state.to_dict())
    if not isinstance(text, str):
        raise TypeError("text must be a str")
    analysed = lang.analyse(text)
    probe = analysed[0]
    fp = _fingerprint(probe, lang.stop)
    extra: list[tuple[str, str, float]] = []
    is_question = "?" in text or (bool(probe) and probe[0] in lang.question_words)
    if is_question and any(_similar(fp, q) for q in state.questions):
        extra.append(("repeat_question", _clip(text), 0.5))
    words = len(probe)
    if lang is _ENGLISH:
        if state.lengths and words <= 3 and _shuts_down(probe):
            before = sum(state.lengths) / len(state.lengths)
            extra.append(("terse", _clip(text), 0.35 if before >= 10 else 0.2))
    elif state.lengths and words <= 3 and not (set(probe) & lang.friendly):
        # Other languages keep their own rule (bot/detector_es.py and its lexicon).
        before = sum(state.lengths) / len(state.lengths)
        if before >= 10 or set(probe) & lang.terse_words:
            extra.append(("terse", _clip(text), 0.35 if before >= 10 else 0.2))
    reading = lang.read(text, tuple(extra), analysed)

    ewma = reading.tension if state.messages == 0 else _EWMA_NEW * reading.tension + (1 - _EWMA_NEW) * state.ewma
    rise = 0.0 if state.messages == 0 else 0.5 * state.rise + (ewma - state.ewma)
    own = LEVELS.index(reading.level)
    trend = ewma + max(0.0, rise)
    # The trend may lift a level by one step above the message's own, and a calm message after a
    # tense one lands between the two (the average still remembers the heat).
    effective = max(reading.tension, trend)
    level_i = min(LEVELS.index(level_for(effective)), own + 1)
    if "threat" in reading.flags or "hate" in reading.flags:
        level_i = 3
    flags = reading.flags
    if level_i != own:
        reading = Reading(reading.tension, LEVELS[level_i], reading.abuse, flags, reading.signals)
    new = ThreadTension(
        ewma=ewma, rise=rise, last_level=LEVELS[level_i],
        questions=(state.questions + [fp])[-_QUESTIONS:] if fp else list(state.questions),
        lengths=(state.lengths + [words])[-_LENGTHS:],
        trajectory=(state.trajectory + [round(reading.tension, 2)])[-_TRAJECTORY:],
        levels=(state.levels + [LEVELS[level_i]])[-_TRAJECTORY:],
        messages=state.messages + 1,
    )
    return reading, new


# Words that may stand beside a dismissive word in a terse reply ("fine then", "ok whatever I guess").
_TERSE_FILLERS = frozenset({"i", "guess", "then", "it", "that", "so", "just", "oh", "|", "..."})


def _shuts_down(probe: list[str]) -> bool:
    """A short reply is terse only when it is made of dismissive words ("fine.", "ok whatever");
    a short answer with content ("done it*", "yes 4412", "the blue one") or thanks is not."""
    found = set(probe)
    return bool(found & lex.TERSE_WORDS) and found <= lex.TERSE_WORDS | _TERSE_FILLERS


def _clip(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


# --- the workspace language -----------------------------------------------------------------------
# Everything above reads English. Another language plugs in its own tokenizer, message reader and
# thread words here; the trend, levels and flags are shared. Spanish lives in bot/detector_es.py.

LANGUAGES = ("en", "es")  # languages with their own cues; any other code is read with the English ones


@dataclass(frozen=True)
class _Language:
    score: Callable[[str], Reading]
    read: Callable[[str, tuple, tuple | None], Reading]  # (text, cues from the thread, analyse(text) or None)
    analyse: Callable[[str], tuple]  # (tokens with negation marked, stretched words, distinct tokens, ...)
    stop: frozenset[str]
    question_words: frozenset[str]
    friendly: frozenset[str]
    terse_words: frozenset[str]


_ENGLISH = _Language(score, _read, _analyse, _STOP, _QUESTION_WORDS, lex.FRIENDLY, lex.TERSE_WORDS)
_LANGUAGE_CACHE: dict[str, _Language] = {"en": _ENGLISH}


def _language(code: str) -> _Language:
    """The reader for a workspace language code ("es", "es-mx"); English for codes without cues."""
    lang = _LANGUAGE_CACHE.get(code)
    if lang is None:
        if code.split("-")[0].lower() == "es":
            from bot import detector_es as es
            from bot import detector_lexicon_es as words

            lang = _Language(es.score, es.read, es.analyse, words.STOP, words.QUESTION_WORDS, words.FRIENDLY, words.TERSE_WORDS)
        else:
            lang = _ENGLISH
        _LANGUAGE_CACHE[code] = lang
    return lang
