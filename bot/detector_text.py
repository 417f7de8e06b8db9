"""Turning raw message text into the tokens the detector reads; shared by inference and training.

Every step is one C-level pass over the text (str.lower, a regex sub, a regex findall) so the
cost stays linear in the length of the message; the slow per-token paths (spelled-out
obfuscations, elongations) run only when a cheap whole-text check says they are needed.
"""

from __future__ import annotations

import re
from itertools import compress

# Words (Unicode letters and digits, plus the symbols people use to mask swearing) and emoji.
# (Emoji and sentence marks share one class: one alternative fewer to try at every character.)
_TOKEN_RE = re.compile(r"[\w*@$']+|[\U0001F300-\U0001FAFF\u2600-\u27BF.,;:!?|]")
_SENTENCE_MARKS = frozenset(".,;:!?|")
# Sentence punctuation becomes this token, so negation and phrases stop at it ("no, wrong city").
BREAK = "|"
_BREAK_OF = dict.fromkeys(_SENTENCE_MARKS, BREAK)

# Three or more of the same letter ("sooooo", "nooo"): a sign of volume and a spelling to undo.
ELONGATED_RE = re.compile(r"([^\W\d_])\1{2,}")
_SQUEEZE2 = r"\1\1"
_RUN_RE = re.compile(r"([^\W\d_])\1+")

# Characters that only appear in a token when it may be an obfuscated spelling.
_MASK_RE = re.compile(r"[*@$0-9]")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"})

# Noise from tweets and chat exports that carries no tension of its own.
_URL_RE = re.compile(r"https?://\S+|www\.\S+")
DROP = frozenset({"@user", "user", "url", "'", "*", "@", "$", "|"})


def unmask(token: str, known: frozenset[str] | set[str] | dict) -> str:
    """Undo a masked spelling ("f*ck", "sh1t", "a$$hole") when it matches a known word."""
    core = token.strip("'*")
    if not core:
        return token
    if core in known:
        return core
    leet = core.translate(_LEET)
    if leet in known:
        return leet
    if "*" in core and core[0] != "*":
        match = _match_stars(core, known)
        if match:
            return match
    return core


def _match_stars(core: str, known: frozenset[str] | set[str] | dict) -> str | None:
    # Each "*" hides one letter ("f*ck", "f**k"); a trailing run may hide a whole ending.
    n = len(core)
    for word in _STAR_CANDIDATES.get((core[0], n), ()):
        if word in known and all(c == "*" or c == w for c, w in zip(core, word)):
            return word
    return None


# Filled by register_star_words(): (first letter, length) -> words a masked token may stand for.
_STAR_CANDIDATES: dict[tuple[str, int], tuple[str, ...]] = {}


def register_star_words(words: set[str] | frozenset[str]) -> None:
    """Index the words that masked spellings are matched against (profanity, insults)."""
    index: dict[tuple[str, int], list[str]] = {}
    for w in words:
        if w and w.isalpha():
            index.setdefault((w[0], len(w)), []).append(w)
    _STAR_CANDIDATES.update({k: tuple(sorted(v)) for k, v in index.items()})


# ASCII text splits with one bytes.translate (1:1, so CPython's fast path) + split: sentence
# punctuation becomes "|" (widened to its own token by one replace), other symbols become spaces.
_KEEP = set("abcdefghijklmnopqrstuvwxyz0123456789_*@$'")
_BYTE_TABLE = bytes.maketrans(
    bytes(range(128)),
    bytes(c if chr(c) in _KEEP else (ord(BREAK) if chr(c) in ".,;:!?|" else 32) for c in range(128)),
)
_NEEDS_FIX_RE = re.compile(r"([^\W\d_])\1\1|[*@$0-9']")
# Within " "-joined words: words with a mask character, elongated words.
# Each starts only at a word's start and cannot backtrack into itself, so the cost stays linear.
_MASKED_TOKEN_RE = re.compile(r"(?<![^ ])[^ *@$']*[*@$'][^ ]*")
_ELONG_TOKEN_RE = re.compile(r"(?<![^ ])[^ ]*?([^\W\d_])\1\1[^ ]*")
_MASK_CHARS_RE = re.compile(r"[*@$']")
_DIGIT_RE = re.compile(r"[0-9]")
_LEET_BYTES = bytes.maketrans(b"013457@$!", b"oieastasi")


def _leet(words: str) -> str:
    # One C-level pass: bytes.translate for ASCII, str.translate otherwise.
    return words.encode().translate(_LEET_BYTES).decode() if words.isascii() else words.translate(_LEET)
NEGATORS = frozenset(
    "not no never cannot can't cant don't dont doesn't doesnt didn't didnt isn't isnt wasn't wasnt aren't arent "
    "won't wont wouldn't wouldnt shouldn't shouldnt couldn't couldnt haven't havent hasn't hasnt ain't nothing "
    "without hardly nor neither".split()
)
_SOFTENERS = frozenset(
    "very really so too that at all a an the be being been even ever quite exactly particularly totally "
    "entirely completely my your any".split()
)


def tokens(text: str, known: frozenset[str] | set[str] | dict) -> list[str]:
    """Lower-cased tokens with negation marked ("neg_happy"), URLs dropped, masks and elongations undone."""
    return analyse(text, known)[0]


def analyse(text: str, known: frozenset[str] | set[str] | dict) -> tuple[list[str], list[str]]:
    """The tokens, and the words that were written elongated ("sooooo") as typed."""
    toks, stretched, _ = read_tokens(text, known)
    return toks, stretched


def read_tokens(text: str, known: frozenset[str] | set[str]) -> tuple[list[str], list[str], set[str]]:
    """The tokens, the elongated words as typed, and the set of distinct tokens (built once, reused)."""
    lower = text.lower()
    if "http" in lower or "www." in lower:
        lower = _URL_RE.sub(" ", lower)
    if lower.isascii():
        toks = lower.encode().translate(_BYTE_TABLE).decode().replace(BREAK, " | ").split()
    else:
        toks = _TOKEN_RE.findall(lower)
        if not _SENTENCE_MARKS.isdisjoint(toks):
            toks = list(map(_BREAK_OF.get, toks, toks))
    uniq = set(toks)
    fixes = {}
    stretched = []
    unknown = uniq.difference(known)
    # One search over all unknown words decides whether any of them needs repair; then masked and
    # elongated words are repaired one by one (they are few), and words with digits ("sh1t") are
    # read as leet in one batch, so a paste of 8,000 order numbers stays cheap.
    unknown_words = list(unknown)  # one order for both the joined text and the pairs below
    joined = " ".join(unknown_words) if unknown else ""
    if joined and _NEEDS_FIX_RE.search(joined) is not None:
        special = set(_MASKED_TOKEN_RE.findall(joined)) if _MASK_CHARS_RE.search(joined) else set()
        if (_ELONG3_ASCII_RE if joined.isascii() else _ELONG3_RE).search(joined) is not None:
            special.update(m.group(0) for m in _ELONG_TOKEN_RE.finditer(joined))
        for tok in special:
            if _ELONG3_RE.search(tok) is not None and not tok.isdigit() and not tok.startswith("www"):
                stretched.append(tok)
            fixed = _fix(tok, known)
            if fixed != tok:
                fixes[tok] = fixed
        if _DIGIT_RE.search(joined):
            # Leet is undone over all unknown words at once: a word without digits or masks reads
            # the same either way (and is unknown), masked words were repaired above.
            leets = _leet(joined).split(" ")
            found = known.intersection(leets) if isinstance(known, (set, frozenset)) else {w for w in leets if w in known}
            if found:
                pairs = compress(zip(unknown_words, leets), map(found.__contains__, leets))
                fixes.update((tok, leet) for tok, leet in pairs if tok not in special and tok != leet)
        if fixes:
            toks = list(map(fixes.get, toks, toks))
            uniq.difference_update(fixes)
            uniq.update(fixes.values())
        stretched.sort()
    if not NEGATORS.isdisjoint(uniq):
        toks = _mark_negation(toks, uniq)
    return toks, stretched, uniq


def _mark_negation(toks: list[str], uniq: set[str]) -> list[str]:
    # A negator flips the next word, skipping one softener: "not unacceptable", "not very happy".
    # Negators are found by C-level list.index, and `uniq` is updated in place, not rebuilt.
    out = list(toks)
    n = len(out)
    changed = []
    for neg in NEGATORS.intersection(uniq):
        i = toks.index(neg)
        while True:
            if i + 1 < n:
                j = i + 2 if (toks[i + 1] in _SOFTENERS and i + 2 < n) else i + 1
                word = toks[j]
                if word not in NEGATORS and word[:1].isalpha():
                    out[j] = "neg_" + word
                    changed.append(word)
            try:
                i = toks.index(neg, i + 1)
            except ValueError:
                break
    if len(changed) > 8:
        # Many negations (long or unusual text): one rebuild keeps the cost linear.
        uniq.clear()
        uniq.update(out)
        return out
    for word in changed:
        uniq.add("neg_" + word)
        if word not in out:
            uniq.discard(word)
    return out


_ELONG3_RE = re.compile(r"([^\W\d_])\1\1")
# The same on lower-cased ASCII text, where a letter is a-z: three times quicker over a long paste.
_ELONG3_ASCII_RE = re.compile(r"([a-z])\1\1")


def _fix(tok: str, known: frozenset[str] | set[str] | dict) -> str:
    if tok in known:
        return tok
    if not tok.isalpha():
        core = unmask(tok, known)
        if core != tok and (core in known or not _ELONG3_RE.search(core)):
            return core
        tok = core
    if _ELONG3_RE.search(tok):
        two = ELONGATED_RE.sub(_SQUEEZE2, tok)
        if two in known:
            return two
        one = _RUN_RE.sub(r"\1", tok)
        if one in known:
            return one
    return tok
