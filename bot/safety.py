"""Customer text made safe to quote in Slack: personal data redacted, every mrkdwn control neutralised.

Anything a customer wrote goes through `quote()` (or `redact()` then `escape()`) before the bot
posts it, above all to a supervisor channel. The threats are (1) customer text that pings people
(`<!channel>`, `<@U…>`, or plain `@here` if a message is ever sent with link_names), (2) customer
text that styles or breaks out of our own formatting, or smuggles a link (`<http://evil|bank>`,
bare `evil.com`), (3) card numbers, IBANs, e-mail addresses, phone numbers and US social security
numbers reaching people who do not need them (and being stored at all: the bot redacts customer
text before it keeps it).

Why lookalike characters: Slack's mrkdwn has no escape character (a backslash is printed as is),
so the only ways to show a literal `*` are invisible tricks (a zero-width space, which we strip
from customer text ourselves and which survives copy-paste as a trap) or the date-fallback hack
(`<!date^0^{_}|*>`, noisy and odd in notifications). We swap each dangerous character for a
visible lookalike Slack gives no meaning to: the supervisor still reads what the customer typed,
and nothing can pair up into bold, a code span, a quote, a mention or a link.

Every regex here either starts at a token boundary (a lookbehind) or matches without anything
after it that could fail, so each one runs in linear time on hostile input.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

# --------------------------------------------------------------------------- cleaning

_SURROGATE = re.compile("[\ud800-\udfff]")
_LINE_BREAKS = re.compile("\r\n?|[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# Controls, bidi overrides, zero-width and other invisible characters (Unicode Cf and friends):
# they hide text from a reader, reorder it, or split a mention/card so a filter misses it.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f"
    "\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160\u17b4\u17b5"
    "\u180b-\u180f\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u206f\u3164"
    "\ufe00-\ufe0d\ufeff\uffa0\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0000-\U000e007f\U000e0100-\U000e01ef]"
)
_ZWJ = re.compile("\u200d")
_WHITESPACE = re.compile(r"\s+")


def _keep_emoji_joiner(m: re.Match[str]) -> str:
    # A zero-width joiner is kept only inside an emoji sequence (👩‍💻); anywhere else it is a hiding place.
    text, i = m.string, m.start()
    before = text[i - 1] if i > 0 else ""
    after = text[i + 1] if i + 1 < len(text) else ""
    ok = bool(before and after) and unicodedata.category(after) == "So"
    ok = ok and (unicodedata.category(before) in ("So", "Sk") or before == "\ufe0f")
    return m.group() if ok else ""


def _clean(text: str) -> str:
    """Repair broken UTF-16, unify line breaks, drop invisible and control characters (idempotent)."""
    if _SURROGATE.search(text):
        # Joins valid surrogate pairs into their character; a lone surrogate becomes U+FFFD.
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    text = _LINE_BREAKS.sub("\n", text)
    text = _INVISIBLE.sub("", text)
    if "\u200d" in text:
        text = _ZWJ.sub(_keep_emoji_joiner, text)
    return text


# --------------------------------------------------------------------------- escaping

# Slack decodes exactly these three entities; text that arrives from Slack events is already
# encoded this way, so an existing entity is kept rather than double-encoded into "&amp;lt;".
_CONTROL = re.compile(r"&(?!(?:amp|lt|gt);)|<|>")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_MRKDWN = str.maketrans({"*": "\u2217", "_": "\uff3f", "~": "\u223c", "`": "\uff40"})
_LINE_QUOTE = re.compile(r"(?m)^([^\S\n]*)&gt;")  # "&gt;" at a line start renders as a block quote
_MENTION = re.compile(r"(?<!\w)@(?=\w)")  # @here, @channel, @everyone, and @name under link_names
_SCHEME = "://"
_DOTS = "[.\u3002\uff0e\uff61]"  # browsers and Slack treat the CJK full stops as dots in host names
_DOTTED = re.compile(rf"(?<![\w-])[\w-]+(?:{_DOTS}[\w-]+)+")
_TLD = re.compile(r"[^\W\d_]{2}")
_DOT_CHARS = re.compile(_DOTS)
_SLACK_MARKUP = re.compile(r"<[@#!]|<[^\s<>][^<>]*>")


def _linkable(chain: str) -> bool:
    """Would Slack auto-link this dotted word (a host name, an e-mail domain, an IPv4 address)?"""
    labels = _DOT_CHARS.split(chain)
    if any(_TLD.match(label) for label in labels[1:]):
        return True
    return len(labels) == 4 and all(label.isdigit() and len(label) <= 3 for label in labels)


def _defang_hosts(text: str) -> str:
    def one(m: re.Match[str]) -> str:
        chain = m.group()
        return _DOT_CHARS.sub("\u2024", chain) if _linkable(chain) else chain

    return _DOTTED.sub(one, text)


# Characters no step of escape() changes, alone or next to each other: printable ASCII without the
# entity, mrkdwn and mention characters, plus Latin-1 letters and signs (not the soft hyphen) and
# typographic quotes, dashes and the ellipsis. Text made of them, with no "://" and no dot inside a
# word ("example.com"), comes out of escape() as it went in; most phrasings and most customer words
# are such text, and one regex pass answers that instead of seven.
_INERT = re.compile(
    "[\t\n" + "".join(re.escape(chr(c)) for c in range(0x20, 0x7F) if chr(c) not in "&<>*_~`@")
    + "\u00a1-\u00ac\u00ae-\u00ff\u2013\u2014\u2018-\u201f\u2026]*"
)
_INNER_DOT = re.compile(r"[\w-]\.[\w-]")


def escape(text: str) -> str:
    """Slack-mrkdwn-safe text that shows what was typed but cannot mention, link, or format (idempotent)."""
    if _INERT.fullmatch(text) and _SCHEME not in text and not _INNER_DOT.search(text):
        return text
    return _escape_all(text)


def _escape_all(text: str) -> str:
    text = _clean(text)
    text = _CONTROL.sub(lambda m: _ENTITIES[m.group()], text)
    # Lookalikes first: "`" becomes a non-word character, so the mention rule below sees the final text.
    text = text.translate(_MRKDWN)
    text = _LINE_QUOTE.sub("\\1\uff1e", text)
    text = _MENTION.sub("\uff20", text)
    text = text.replace(_SCHEME, "\uff1a//")
    return _defang_hosts(text)


def has_live_markup(text: str) -> bool:
    """True if Slack could turn any part of this text into a mention, a broadcast or a link."""
    if _SLACK_MARKUP.search(text) or _MENTION.search(text) or _SCHEME in text:
        return True
    return any(_linkable(m.group()) for m in _DOTTED.finditer(text))


# --------------------------------------------------------------------------- redaction

_LOCAL = r"[\w.%+-]"
# "@" and its fullwidth and small lookalikes; a dot in a domain may be a CJK or fullwidth full stop.
_AT_SIGN = "[@\uff20\ufe6b]"
_AT_SIGNS = frozenset("@\uff20\ufe6b")
_DDOT = "[.\u3002\uff0e\uff61]"
_DOMAIN = (
    rf"(?:[\w-]+(?:{_DDOT}[\w-]+)*{_DDOT}[^\W\d_]{{2,}}|\[\d{{1,3}}(?:\.\d{{1,3}}){{3}}\])"
)
# "jane@example.com", "jane.doe @ example.com" (one space either side), "jane＠example.com", and a
# quoted local part ("jane doe"@example.com, which RFC 5321 allows).
_EMAIL = re.compile(rf'(?:"[^"\n]{{1,64}}"|(?<!{_LOCAL}){_LOCAL}+)[ \t]?{_AT_SIGN}[ \t]?{_DOMAIN}')
# "jane [at] example (dot) com", "jane(at)example.com", and the bare "jane dot doe at example dot com".
_AT = r"\s*[\[({<]\s*at\s*[\])}>]\s*"
_DOT = r"(?:\s*[\[({<]\s*dot\s*[\])}>]\s*|\.)"
_OBFUSCATED_EMAIL = re.compile(
    rf"(?i)(?<!{_LOCAL}){_LOCAL}+(?:{_AT}[\w-]+(?:{_DOT}[\w-]+)+"
    r"|(?:\s+dot\s+[\w-]+)*\s+at\s+[\w-]+(?:\s+dot\s+[\w-]+)*\s+dot\s+(?:com|net|org|edu|gov|io|co|uk|de|fr|info|me)\b)"
)

# ISO 13616 IBAN length per country (SWIFT registry); the country fixes how many characters to read.
_IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27,
    "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27,
    "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22,
    "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32,
    "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19,
    "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24,
    "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24, "SC": 31,
    "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28, "TL": 23,
    "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}  # fmt: skip
_IBAN_START = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{2})(\d{2})")
_IBAN_BODY = {
    n - 4: re.compile(rf"(?:[\s-]?[A-Za-z0-9]){{{n - 4}}}(?![A-Za-z0-9])") for n in set(_IBAN_LENGTHS.values())
}

# A run of digit groups joined by the separators people put in card and phone numbers. The empty
# separator is allowed only next to a parenthesis, so a run of digits is never split two ways.
_GROUP = r"(?:\(\+?\d{1,6}\)|\d+)"
_SEP = r"(?:\s?[-./_]\s?|\s{1,2}|(?<=\))|(?=\())"
_RUN = re.compile(rf"(?<!\d)(?:\+\s?)?{_GROUP}(?:{_SEP}{_GROUP})*")
_GROUP_PARTS = re.compile(r"\((\+?)(\d{1,6})\)|(\d+)")
# A letter O typed for a zero inside a number ("415-555-O199"): read as 0 when finding numbers.
_O_AS_ZERO = re.compile(r"(?<![^\W\d_])[\dOo]*\d[\dOo]*(?![^\W\d_])")
_ZERO = str.maketrans("Oo", "00")
# US social security numbers: AAA-GG-SSSS (or spaced); area never 000, 666 or 9xx, group never 00,
# serial never 0000 (SSA rules), so most order numbers of that shape still pass.
_SSN_SEP = re.compile(r"[ -]")
_SSN_CONTEXT = re.compile(r"(?i)\b(?:ssn|social security(?: number| no\.?| #)?|tax id|itin)\b[\s:#.-]*(?:(?:is|was)\s*)?$")
_EXTENSION = re.compile(r"\s*,?\s*(?:ext(?:ension)?\.?|x|#)\s*\d{1,6}(?!\d)", re.IGNORECASE)
# A bare number right after one of these words is an identifier the customer is quoting, not a phone.
_ID_CONTEXT = re.compile(
    r"(?i)(?:\b(?:order|invoice|ticket|ref|reference|tracking|case|account|acct|sku|transaction|txn"
    r"|confirmation|booking|serial|id|po)s?\b[\s:#.-]*(?:no\.?|num(?:ber)?|id)?[\s:#.-]*(?:(?:is|was|=)\s*)?|#\s*)$"
)


@dataclass(frozen=True, slots=True)
class _Group:
    start: int
    end: int
    digits: str
    paren: bool
    plus: bool


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def _iban_valid(compact: str) -> bool:
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1


def _iban_spans(text: str) -> Iterator[tuple[int, int]]:
    after = 0
    for m in _IBAN_START.finditer(text):
        expected = _IBAN_LENGTHS.get(m.group(1).upper())
        if expected is None or m.start() < after:
            continue
        body = _IBAN_BODY[expected - 4].match(text, m.end())
        if body is None:
            continue
        compact = (m.group(1) + m.group(2)).upper() + re.sub(r"[\s-]", "", body.group()).upper()
        if _iban_valid(compact):
            after = body.end()
            yield m.start(), body.end()


def _groups(run: re.Match[str]) -> list[_Group]:
    base, text = run.start(), run.group()
    plus_run = text.startswith("+")
    out = []
    for i, g in enumerate(_GROUP_PARTS.finditer(text)):
        paren = g.group(2) is not None
        digits = g.group(2) if paren else g.group(3)
        plus = (i == 0 and plus_run) or bool(paren and g.group(1))
        out.append(_Group(base + g.start(), base + g.end(), digits, paren, plus))
    return out


def _card_ends(groups: list[_Group], i: int) -> list[int]:
    """Ends of the Luhn-valid cards starting at group i, in the groupings cards are written in."""
    first = groups[i]
    if first.paren or first.plus:
        return []
    size = len(first.digits)
    ends = []
    if 13 <= size <= 19:
        ends.append(i + 1)
    elif size == 4:
        total, j = 4, i + 1  # 4-4-4-4, 4-4-4-4-3, 4-4-4-1 …
        while j < len(groups) and not groups[j].paren:
            k = len(groups[j].digits)
            if k > 4 or total + k > 19:
                break
            total, j = total + k, j + 1
            if total >= 13:
                ends.append(j)
            if k != 4:
                break
        lens = [len(g.digits) for g in groups[i + 1 : i + 3]]
        if lens in ([6, 5], [6, 4]) and not any(g.paren for g in groups[i + 1 : i + 3]):
            ends.append(i + 3)  # Amex 4-6-5, Diners 4-6-4
    return [j for j in ends if _luhn("".join(g.digits for g in groups[i:j]))]


def _ssn_valid(digits: str) -> bool:
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    return area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000"


def _ssn_ends(text: str, groups: list[_Group], i: int) -> list[int]:
    """The end of a US social security number starting at group i: 123-45-6789, or 9 digits after "SSN"."""
    first = groups[i]
    if first.paren or first.plus:
        return []
    window = groups[i : i + 3]
    if [len(g.digits) for g in window] == [3, 2, 4] and not any(g.paren for g in window):
        seps = {text[window[0].end : window[1].start], text[window[1].end : window[2].start]}
        if len(seps) == 1 and _SSN_SEP.fullmatch(seps.pop()) and _ssn_valid("".join(g.digits for g in window)):
            return [i + 3]
    if len(first.digits) == 9 and _ssn_valid(first.digits) and _SSN_CONTEXT.search(text, max(0, first.start - 30), first.start):
        return [i + 1]
    return []


def _phone_ends(text: str, groups: list[_Group], i: int) -> list[int]:
    """Ends of the phone numbers that can start at group i."""
    first = groups[i]
    d0 = first.digits
    if first.plus or (d0.startswith("00") and d0.strip("0") and not first.paren):
        count, ends = (-2 if d0.startswith("00") else 0), []  # international: 8 to 15 digits
        for j in range(i, len(groups)):
            if j > i + 1 and groups[j].paren:
                break  # a bracket only ever holds a country or area code; later on it starts a new number
            if j > i and groups[j].paren and groups[j].digits == "0":
                continue  # the "(0)" trunk prefix in "+44 (0)20 …"
            count += len(groups[j].digits)
            if count > 15:
                break
            if count >= 8:
                ends.append(j + 1)
        return ends
    window = groups[i : i + 5]
    lens = [len(g.digits) for g in window]
    ends = []
    if d0 == "1" and lens[1:4] == [3, 3, 4]:
        ends.append(i + 4)  # 1-800-555-0199
    if lens[:3] == [3, 3, 4]:
        ends.append(i + 3)  # (555) 123-4567, 555.123.4567
    if d0[0] == "0" and d0[:2] != "00" and lens[:3] != [2, 2, 4]:  # national trunk 0; not DD.MM.YYYY
        total = 0
        for j, size in enumerate(lens):
            if size < 2 or total + size > 12 or (j and window[j].paren):
                break
            total += size
            if total >= 9 and j > 0:
                ends.append(i + j + 1)
    if d0[0] in "23456789":  # ten digits in groups of three or more: 555 1234567, 98765 43210
        total = 0
        for j, size in enumerate(lens):
            if size < 3 or total + size > 10 or (j and window[j].paren):
                break
            total += size
            if total == 10 and j > 0:
                ends.append(i + j + 1)
    if first.paren:
        return ends
    loose = []
    if lens[:2] == [3, 4] and d0[0] in "23456789" and text[first.end : window[1].start] in ("-", "."):
        loose.append(i + 2)  # 555-0199
    size = len(d0)
    bare_nanp = (size == 10 and d0[0] in "23456789") or (size == 11 and d0[0] == "1" and d0[1] in "23456789")
    if bare_nanp or (d0[0] == "0" and d0[1:2] != "0" and 10 <= size <= 12):
        loose.append(i + 1)
    # Short or unformatted numbers are phones only when no "order #" stands in front of them.
    if loose and not _ID_CONTEXT.search(text, max(0, first.start - 40), first.start):
        ends += loose
    return ends


def _segment(text: str, groups: list[_Group], first: int) -> Iterator[tuple[int, int, str]]:
    """Split a run of digit groups into cards and phones covering as many digits as possible.

    People write numbers next to each other ("+44 20 7946 0958 555 123 4567"), so the longest
    match at each point can swallow the head of the next number and leak its tail; choosing the
    cover from the right end (dynamic programming, a few candidates per group) avoids that.
    """
    n = len(groups)
    best = [(0, 0)] * (n + 1)  # (digits covered, -windows) from group i to the end
    choice: list[tuple[int, str] | None] = [None] * (n + 1)
    for i in range(n - 1, first - 1, -1):
        best[i], choice[i] = best[i + 1], None
        candidates = [(j, "[ssn]") for j in _ssn_ends(text, groups, i)]  # first: an SSN wins a tie with a phone
        candidates += [(j, "[card]") for j in _card_ends(groups, i)]
        candidates += [(j, "[phone]") for j in _phone_ends(text, groups, i)]
        for j, token in candidates:
            covered = sum(len(g.digits) for g in groups[i:j])
            score = (best[j][0] + covered, best[j][1] - 1)
            if score > best[i]:
                best[i], choice[i] = score, (j, token)
    i = first
    while i < n:
        picked = choice[i]
        if picked is None:
            i += 1
            continue
        j, token = picked
        yield i, j, token
        i = j


def _number_spans(text: str) -> Iterator[tuple[int, int, str]]:
    consumed = 0  # a phone extension can reach into the next run
    for run in _RUN.finditer(text):
        if run.end() - run.start() < 7:
            continue  # too short to hold the shortest number we redact (555-0199)
        groups = _groups(run)
        first = 0
        while first < len(groups) and groups[first].start < consumed:
            first += 1
        for i, j, token in _segment(text, groups, first):
            start = run.start() if i == 0 else groups[i].start
            stop = groups[j - 1].end
            if token == "[phone]" and j == len(groups) and (ext := _EXTENSION.match(text, stop)):
                stop = ext.end()
            yield start, stop, token
            consumed = stop


def _splice(text: str, spans: Iterator[tuple[int, int, str]]) -> str:
    parts, last = [], 0
    for start, stop, token in spans:
        parts += [text[last:start], token]
        last = stop
    parts.append(text[last:])
    return "".join(parts)


def redact(text: str) -> str:
    """Replace card numbers, IBANs, e-mail addresses, phone numbers and US SSNs with "[card]", "[iban]", "[email]", "[phone]", "[ssn]"."""
    # Cleaning first: a zero-width space inside a card number must not hide it from the patterns.
    text = _clean(text)
    if not _DIGIT.search(text) and not (_AT_SIGNS & set(text)):
        # Cards, phones and IBANs need digits, a plain e-mail address an "@": only the spelled-out one is left.
        return _OBFUSCATED_EMAIL.sub("[email]", text)
    return _redact_all(text)


def _redact_all(text: str) -> str:
    """Every redaction pattern, on cleaned text."""
    text = _EMAIL.sub("[email]", text)
    text = _OBFUSCATED_EMAIL.sub("[email]", text)
    # IBANs before cards: an IBAN's digits can hold a Luhn-valid run.
    text = _splice(text, ((a, b, "[iban]") for a, b in _iban_spans(text)))
    # Numbers are found on a copy where a letter O among digits reads as 0 (same length, same offsets).
    shadow = _O_AS_ZERO.sub(lambda m: m.group().translate(_ZERO), text) if "o" in text.lower() else text
    return _splice(text, _number_spans(shadow))


_DIGIT = re.compile(r"\d")  # any Unicode digit, as \d in the patterns above means


def redact_split(previous: str, text: str) -> tuple[str, str]:
    """Two consecutive (already redacted) messages with a number split between them ("4111 1111" then
    "1111 1111") redacted in both; unchanged when no number crosses the gap."""
    if not _DIGIT.search(previous[-40:]) or not _DIGIT.search(text[:40]):
        return previous, text
    joined, cut = f"{previous}\n{text}", len(previous)
    for start, stop, token in _number_spans(joined):
        if start < cut and stop > cut + 1:
            return previous[:start] + token, token + joined[stop:]
    return previous, text


# --------------------------------------------------------------------------- quoting

_ATOMS = re.compile(r"&(?:amp|lt|gt);|\[(?:card|email|phone|iban|ssn)\]")
_ELLIPSIS = "…"
# Longest personal datum a pattern can match (an e-mail address is at most 320 characters); see quote().
_LONGEST_PII = 320


def _extends_previous(ch: str) -> bool:
    """A character that belongs to the grapheme before it (combining mark, variation selector, skin tone)."""
    return unicodedata.category(ch) in ("Mn", "Mc", "Me") or ch in "\ufe0e\ufe0f" or "\U0001f3fb" <= ch <= "\U0001f3ff"


def truncate(text: str, limit: int) -> str:
    """Cut to at most `limit` characters plus "…", never inside an entity, a redaction token or a grapheme."""
    if len(text) <= limit:
        return text
    cut = max(0, limit)
    for m in _ATOMS.finditer(text, max(0, cut - 8), cut + 8):
        if m.start() < cut < m.end():
            cut = m.start()
    while cut > 0 and (_extends_previous(text[cut]) or text[cut - 1] == "\u200d"):
        cut -= 1
    pairs = 0  # regional indicators make flags in pairs; never leave half a flag
    while cut - pairs > 0 and "\U0001f1e6" <= text[cut - pairs - 1] <= "\U0001f1ff":
        pairs += 1
    if pairs % 2 and "\U0001f1e6" <= text[cut] <= "\U0001f1ff":
        cut -= 1
    space = text.rfind(" ", 0, cut + 1)
    if space > 0 and cut - space <= 15 and space > cut // 2:
        cut = space  # a whole last word reads better when one is close by
    return text[:cut].rstrip() + _ELLIPSIS


def quote(text: str, limit: int = 200) -> str:
    """One safe line of customer text: redacted, escaped, whitespace collapsed, cut to `limit` (+ "…")."""
    text = _WHITESPACE.sub(" ", _clean(text)).strip()
    # A 40,000-character message only needs its head. Redacting a prefix is exact as long as the
    # unredacted tail it may leave (a datum cut in half) lies beyond the visible window: redaction
    # only shrinks text and escaping only grows it, so that holds once the redacted prefix still
    # has the longest datum's length to spare past the limit.
    window = max(limit, 0) + 4 * _LONGEST_PII
    redacted = redact(text[:window])
    if len(text) > window and len(redacted) < max(limit, 0) + _LONGEST_PII:
        redacted = redact(text)
    # A cut can turn a harmless dotted run ("192.168.0.10000000") into a linkable one
    # ("192.168.0.1…"): defang what the cut left (same length, so the limit still holds).
    return _defang_hosts(truncate(escape(redacted), limit))
