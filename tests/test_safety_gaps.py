"""Redaction of the forms an attack run found missed (issue 15, item 5), as generated properties.

Each strategy writes one datum the way a customer might (SSNs, e-mail addresses spelled out, with a
fullwidth "＠", spaced around "@", with a quoted local part, cards joined by underscores, phone numbers
with a letter O for a zero); the prose around it has no digits and no "@", so anything like that in
the output leaked.
"""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.safety import quote, redact
from tests.test_safety_properties import _PROSE, _digits, cards

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_WORD = st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=10)
_TLD = st.sampled_from(["com", "net", "org", "io", "co", "uk", "de"])


def _leaks(out: str) -> bool:
    return any(ch.isdigit() or ch in "@\uff20\ufe6b" for ch in out)


@st.composite
def ssns(draw: st.DrawFn) -> str:
    area = draw(st.integers(1, 899).filter(lambda n: n != 666))
    group = draw(st.integers(1, 99))
    serial = draw(st.integers(1, 9999))
    sep = draw(st.sampled_from(["-", " "]))
    return f"{area:03d}{sep}{group:02d}{sep}{serial:04d}"


@st.composite
def spelled_emails(draw: st.DrawFn) -> str:
    local = draw(st.lists(_WORD, min_size=1, max_size=3))
    domain = draw(st.lists(_WORD, min_size=1, max_size=2))
    return " dot ".join(local) + " at " + " dot ".join(domain) + " dot " + draw(_TLD)


@st.composite
def lookalike_emails(draw: st.DrawFn) -> str:
    local = draw(st.text(alphabet=string.ascii_lowercase + string.digits + "._+-", min_size=1, max_size=16))
    local = local.strip(".") or "jane"
    domain = ".".join(draw(st.lists(_WORD, min_size=1, max_size=2))) + "." + draw(_TLD)
    style = draw(st.sampled_from(["fullwidth", "small", "spaced", "quoted"]))
    if style == "fullwidth":
        return f"{local}\uff20{domain}"
    if style == "small":
        return f"{local}\ufe6b{domain}"
    if style == "spaced":
        return f"{local} @ {domain}"
    name = " ".join(draw(st.lists(_WORD, min_size=1, max_size=3)))
    return f'"{name}"@{domain}'


@st.composite
def underscored_cards(draw: st.DrawFn) -> str:
    return "_".join(draw(cards()).replace("-", " ").split()) if draw(st.booleans()) else draw(cards()).replace(" ", "_").replace("-", "_")


@st.composite
def letter_o_phones(draw: st.DrawFn) -> str:
    """A NANP number with some zeros typed as O or o; each group keeps one real digit ("OOO" alone is a word)."""
    groups = [f"{draw(st.sampled_from('23456789'))}{draw(_digits(2))}", draw(_digits(3)), f"0{draw(_digits(2))}{draw(st.sampled_from('123456789'))}"]
    out = []
    for group in groups:
        chars = list(group)
        zeros = [i for i, ch in enumerate(chars) if ch == "0"]
        if len(zeros) == len(chars):
            zeros = zeros[1:]
        for i in draw(st.lists(st.sampled_from(zeros), unique=True)) if zeros else []:
            chars[i] = draw(st.sampled_from("Oo"))
        out.append("".join(chars))
    out[2] = draw(st.sampled_from("Oo")) + out[2][1:]  # at least one O, where a line number's zero would be
    return draw(st.sampled_from(["-", ".", " "])).join(out)


def _in_prose(datum: st.SearchStrategy[str]) -> st.SearchStrategy[tuple[str, str]]:
    return st.tuples(_PROSE, datum, _PROSE).map(lambda t: (f"{t[0]} {t[1]} {t[2]}", t[1]))


@FAST
@given(_in_prose(ssns()))
def test_us_social_security_numbers_are_redacted(case: tuple[str, str]) -> None:
    text, ssn = case
    out = redact(text)
    assert "[ssn]" in out and not _leaks(out), (ssn, out)


@FAST
@given(spelled_emails())
def test_spelled_out_addresses_are_redacted_whole(address: str) -> None:
    # Whole: nothing of the local part is left in front of the token ("jane dot [email]").
    assert redact(f"please write to {address} today") == "please write to [email] today", address


@FAST
@given(_in_prose(lookalike_emails()))
def test_lookalike_spaced_and_quoted_addresses_are_redacted(case: tuple[str, str]) -> None:
    text, address = case
    out = redact(text)
    assert "[email]" in out and not _leaks(out), (address, out)
    assert not _leaks(quote(text, 10_000))


@FAST
@given(_in_prose(underscored_cards()))
def test_cards_joined_by_underscores_are_redacted(case: tuple[str, str]) -> None:
    text, card = case
    out = redact(text)
    assert not _leaks(out), (card, out)


@FAST
@given(_in_prose(letter_o_phones()))
def test_phone_numbers_with_a_letter_o_for_zero_are_redacted(case: tuple[str, str]) -> None:
    text, phone = case
    out = redact(text)
    assert "[phone]" in out and not _leaks(out), (phone, out)


def test_the_reported_forms() -> None:
    assert redact("SSN 078-05-1120 please") == "SSN [ssn] please"
    assert redact("my social security number is 219099999") == "my social security number is [ssn]"
    assert redact("jane dot doe at example dot com") == "[email]"
    assert redact("jane\uff20example.com") == "[email]"
    assert redact("jane.doe @ example.com") == "[email]"
    assert redact('"jane doe"@example.com') == "[email]"
    assert redact("4111_1111_1111_1111") == "[card]"
    assert redact("415-555-O199") == "[phone]"


def test_ordinary_numbers_and_words_are_left_alone() -> None:
    # What we chose not to redact: order numbers and dates the supervisor needs, and words with an O.
    for text in (
        "order 4411 from 2024-05-12",
        "Order #123456789 was late",
        "invoice 000-12-3456",  # area 000 is never issued
        "ref 987-65-4321",  # area 9xx is never issued
        "Agent OO7 said 10 days",
        "I paid 5 @ 3pm",
    ):
        assert redact(text) == text, text
