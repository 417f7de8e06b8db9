"""The detector's learned heads: linear models over words and in-word character 2-5-grams.

Trained by scripts/train_detector.py (scikit-learn, build time only) and shipped as one JSON table in
bot/data/; read here with plain dict lookups. Character n-grams never cross a word boundary, so a
message's character evidence is the sum of its words' own sums: each word is scored once (for the
table's words at load, new words when first met, kept in a bounded cache) and a message costs one
C-level dict sum over its words for the tension and offense heads together (hate is read only when
offense is).

A head's learned logit is intercept + (sum of the message's feature weights) / sqrt(max(words, 10)):
a long e-mail is not read as angrier than a tweet only because it has more words, and a two-word
reply is not read as if each word were a whole tweet.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from importlib import resources
from itertools import repeat

HEADS = ("tension", "offense", "hate")
# Character n-grams per head. They catch obfuscated and slang abuse ("f4ggot", "sh1tty"); for tension,
# learned from 3,257 tweets, they made unseen support words read angry ("units, bakery"), so that head
# reads whole words only and a word it never saw weighs nothing.
CHARS = {"tension": False, "offense": True, "hate": True}
CHAR_MIN, CHAR_MAX = 2, 5
# New words scored per message at most (the rest weigh nothing): a paste of thousands of unique ids stays cheap.
MAX_NEW_WORDS = 64
# Words cached beyond the table's own; the cache starts over past this (bounded memory).
MAX_CACHED = 200_000
# Messages shorter than this many words are scaled as if they had this many.
NORM_FLOOR = 10
_ZEROS = repeat(0.0)
# Function words carry tweet habits, not tension ("you", "me" are in every support chat): the
# tension head learns nothing from them.
STOPWORDS = frozenset(
    "i me my myself we our ours us you your yours u ur he him his she her it its they them their the a an "
    "and or but if then so than that this these those is am are was were be been being do does did have has "
    "had having to of in on at by for with from as about into over after before up down out off just also "
    "can could will would should shall may might must there here what which who whom when where why how "
    "all any both each some such only own same too very s t don im i'm it's that's get got yes no not".split()
)


def char_grams(word: str) -> list[str]:
    """The in-word character n-grams of one token; none for tokens with digits (codes, ids, amounts),
    and none for negated words ("neg_frustrated" must not read like "frustrated")."""
    if not word.isalpha() and (word.startswith("neg_") or any(c.isdigit() for c in word)):
        return []
    w = "<" + word + ">"
    n = len(w)
    return [w[i : i + k] for k in range(CHAR_MIN, CHAR_MAX + 1) for i in range(n - k + 1)]


def words_of(tokens: list[str], drop: frozenset[str]) -> list[str]:
    """The tokens the model reads: the detector's tokens without sentence breaks and noise."""
    return [t for t in tokens if t not in drop]


def features(words: list[str], neutral: frozenset[str] = frozenset(), chars: bool = True) -> list[str]:
    """Feature names of one message, with repeats (the model is linear in their counts).

    Words in `neutral` give no features. (Word pairs were tried and dropped: no gain on val, and
    they cost a quarter of the detector's time.)"""
    own = [w for w in words if w not in neutral] if neutral else words
    out = ["w:" + w for w in own]
    if chars:
        for w in own:
            out += ["c:" + g for g in char_grams(w)]
    return out


def scale(n_words: int) -> float:
    """The factor a message's weight sum is multiplied by."""
    return 1.0 / math.sqrt(max(n_words, NORM_FLOOR))


@dataclass(frozen=True)
class Head:
    name: str
    intercept: float
    threshold: float  # the val-tuned decision on the learned logit
    words: dict[str, float]  # word -> its own weight plus its character n-grams' weights (the cache)
    chars: dict[str, float]  # character n-gram -> weight


class Model:
    """All heads, sharing one word cache."""

    def __init__(self, raw: dict, neutral: dict[str, frozenset[str]] | None = None, ignore: frozenset[str] = frozenset()) -> None:
        table = raw["features"]
        index = {h: i for i, h in enumerate(raw["heads_order"])}
        self.meta = raw["heads"]
        self.heads: dict[str, Head] = {}
        self._neutral = neutral or {}
        # Tokens the model never reads (sentence breaks, "@user"): they weigh nothing in every head,
        # so a message's tokens can be summed as they are, without first filtering them out.
        self._ignore = frozenset(ignore)
        self._base_words: dict[str, dict[str, float]] = {}
        for name in HEADS:
            i = index[name]
            words, chars = {}, {}
            for key, ws in table.items():
                w = ws[i]
                if w:
                    (words if key[0] == "w" else chars)[key[2:]] = w
            self._base_words[name] = words
            m = raw["heads"][name]
            self.heads[name] = Head(name, m["intercept"], m["threshold"], {}, chars)
        self._reset()
        # The table's words (and their character sums) are scored once, here.
        self.learn(set().union(*(self._base_words[h] for h in HEADS)) | self._ignore)

    def _reset(self) -> None:
        for name, head in self.heads.items():
            head.words.clear()
        self._packed_words: dict[str, complex] = {}
        # Per head, the words that can be quoted as evidence (positive weight, not a function word).
        self._shown_words: dict[str, dict[str, float]] = {name: {} for name in HEADS}
        self.scored: set[str] = set()
        self._cached = 0

    def learn(self, new: set[str] | frozenset[str] | list[str]) -> None:
        """Score words not seen before and keep them (bounded)."""
        if self._cached > MAX_CACHED:
            self._reset()
            self.learn(set().union(*(self._base_words[h] for h in HEADS)) | self._ignore)
        ignore = self._ignore
        for name, head in self.heads.items():
            base = self._base_words[name]
            chars_get = head.chars.get
            neutral = self._neutral.get(name, frozenset())
            put = head.words
            for w in new:
                if w in neutral or w in ignore:
                    put[w] = 0.0
                    continue
                put[w] = base.get(w, 0.0) + sum(map(chars_get, char_grams(w), _ZEROS)) if head.chars else base.get(w, 0.0)
        t, o = self.heads["tension"].words, self.heads["offense"].words
        packed = self._packed_words
        for w in new:
            packed[w] = complex(t[w], o[w])
        for name, head in self.heads.items():
            shown = self._shown_words[name]
            for w in new:
                if head.words[w] > 0.0 and w not in STOPWORDS:
                    shown[w] = head.words[w]
        self.scored.update(new)
        self._cached += len(new)

    def read(self, words: list[str], uniq: set[str], n_words: int | None = None) -> tuple[float, float]:
        """The tension and offense heads' evidence (weight sums, scaled, without intercepts).

        Both heads are summed in one C-level pass: each word's two weights travel as one complex number.
        `words` may still hold ignored tokens (they weigh nothing) when `n_words` says how many others
        there are. Words seen before are summed without a set difference; a KeyError means a new word."""
        if not words or n_words == 0:
            return 0.0, 0.0
        try:
            s = sum(map(self._packed_words.__getitem__, words))
        except KeyError:
            new = uniq.difference(self.scored)
            if new:
                if len(new) > MAX_NEW_WORDS:
                    new = _first(words, new)
                self.learn(new)
            s = sum(map(self._packed_words.get, words, _ZEROS))
        norm = scale(len(words) if n_words is None else n_words)
        return s.real * norm, s.imag * norm

    def evidence(self, head: str, words: list[str], n_words: int | None = None) -> float:
        """One head's evidence, for the heads read only when needed (hate)."""
        return sum(map(self.heads[head].words.get, words, _ZEROS)) * scale(len(words) if n_words is None else n_words)

    def top(self, head: str, uniq: set[str] | frozenset[str], n: int = 3) -> list[str]:
        """The message's words that pushed `head` up most (ties broken by the word: stable)."""
        words = self._shown_words[head]
        scored = [(words[t], t) for t in filter(words.__contains__, uniq)]
        scored.sort(reverse=True)
        return [t for _, t in scored[:n]]


def _first(words: list[str], new: set[str]) -> list[str]:
    """The first MAX_NEW_WORDS new words in the order written (deterministic, unlike set order)."""
    out: dict[str, None] = {}
    for w in words:
        if w in new:
            out[w] = None
            if len(out) >= MAX_NEW_WORDS:
                break
    return list(out)


def load(neutral: dict[str, frozenset[str]] | None = None, ignore: frozenset[str] = frozenset()) -> Model:
    """The shipped model (bot/data/detector_model.json)."""
    raw = json.loads(resources.files("bot").joinpath("data/detector_model.json").read_text(encoding="utf-8"))
    return Model(raw, neutral, ignore)
