"""Property tests for bot/safety.py: generated personal data is always redacted, hostile text never stays live."""

from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.safety import _IBAN_LENGTHS, escape, has_live_markup, quote, redact

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Surrounding prose without digits, "+", "@" or "#", so any digit left in the output leaked from the datum.
_PROSE = st.text(alphabet=string.ascii_letters + "éßø ,;!?'\"()", max_size=30)
_SEPARATORS = st.sampled_from([" ", "-"])


def _digits(n: int) -> st.SearchStrategy[str]:
    return st.text(alphabet=string.digits, min_size=n, max_size=n)


def _luhn_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        n = int(ch)
        if i % 2 == 0:  # doubled, counting from the digit left of the check digit
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return str((10 - total % 10) % 10)


@st.composite
def cards(draw: st.DrawFn) -> str:
    prefix = draw(st.sampled_from(["4", "51", "55", "2221", "34", "37", "6011", "65", "35", "36", "62"]))
    length = draw(st.sampled_from([13, 14, 15, 16, 17, 18, 19]))
    body = prefix + draw(_digits(length - 1 - len(prefix)))
    number = body + _luhn_digit(body)
    style = draw(st.sampled_from(["compact", "fours", "amex"] if length == 15 else ["compact", "fours"]))
    sep = draw(_SEPARATORS)
    if style == "compact":
        return number
    if style == "amex":
        return sep.join([number[:4], number[4:10], number[10:]])
    return sep.join(number[i : i + 4] for i in range(0, length, 4))


@st.composite
def ibans(draw: st.DrawFn) -> str:
    country = draw(st.sampled_from(sorted(_IBAN_LENGTHS)))
    bban = draw(
        st.text(
            alphabet=string.digits + string.ascii_uppercase,
            min_size=_IBAN_LENGTHS[country] - 4,
            max_size=_IBAN_LENGTHS[country] - 4,
        )
    )
    numeric = "".join(str(int(ch, 36)) for ch in bban + country + "00")
    compact = f"{country}{98 - int(numeric) % 97:02d}{bban}"
    if draw(st.booleans()):
        return compact
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


_LABEL = st.text(alphabet=string.ascii_lowercase + string.digits, min_size=1, max_size=12)


@st.composite
def emails(draw: st.DrawFn) -> str:
    local = draw(st.text(alphabet=string.ascii_letters + string.digits + "._%+-", min_size=1, max_size=20))
    labels = draw(st.lists(_LABEL, min_size=1, max_size=3))
    tld = draw(st.text(alphabet=string.ascii_lowercase, min_size=2, max_size=6))
    return f"{local}@{'.'.join(labels)}.{tld}"


@st.composite
def phones(draw: st.DrawFn) -> str:
    d = draw
    style = d(st.sampled_from(["intl", "nanp-paren", "nanp-sep", "nanp-1", "uk-mobile", "uk-london", "uk-intl"]))
    sep = d(st.sampled_from([" ", "-", "."]))
    if style == "intl":
        cc = d(st.sampled_from(["1", "7", "33", "39", "44", "49", "61", "81", "91", "353", "358", "972"]))
        rest = d(st.integers(min_value=8 - len(cc), max_value=15 - len(cc)))
        digits = d(_digits(rest))
        groups = [digits[i : i + 3] for i in range(0, rest, 3)]
        number = f"+{cc} " + sep.join(groups)
    elif style == "nanp-paren":
        number = f"({d(_digits(3))}) {d(_digits(3))}-{d(_digits(4))}"
    elif style == "nanp-sep":
        number = sep.join([d(_digits(3)), d(_digits(3)), d(_digits(4))])
    elif style == "nanp-1":
        number = sep.join(["1", d(_digits(3)), d(_digits(3)), d(_digits(4))])
    elif style == "uk-mobile":
        number = f"07{d(_digits(3))} {d(_digits(6))}"
    elif style == "uk-london":
        number = f"020 {d(_digits(4))} {d(_digits(4))}"
    else:
        number = f"+44 (0)20 {d(_digits(4))} {d(_digits(4))}"
    extension = d(st.sampled_from(["", " ext. 12", " x4", ", extension 305"]))
    return number + extension


def _embedded(datum: st.SearchStrategy[str]) -> st.SearchStrategy[tuple[str, str]]:
    return st.tuples(_PROSE, datum, _PROSE).map(lambda t: (f"{t[0]} {t[1]} {t[2]}", t[1]))


@pytest.mark.parametrize(
    ("datum", "token"),
    [(cards(), "[card]"), (ibans(), "[iban]"), (emails(), "[email]"), (phones(), "[phone]")],
    ids=["card", "iban", "email", "phone"],
)
@FAST
@given(data=st.data())
def test_generated_personal_data_is_always_redacted(
    datum: st.SearchStrategy[str], token: str, data: st.DataObject
) -> None:
    text, value = data.draw(_embedded(datum))
    out = redact(text)
    assert token in out
    # The prose around the datum has no digits and no "@": anything like that in the output leaked.
    assert not any(ch.isdigit() or ch == "@" for ch in out), (value, out)


@FAST
@given(st.lists(st.one_of(cards(), ibans(), emails(), phones(), _PROSE), max_size=6))
def test_quote_leaks_no_datum_from_a_mixed_message(parts: list[str]) -> None:
    out = quote(" ".join(parts), limit=10_000)
    assert not any(ch.isdigit() for ch in out)
    assert not has_live_markup(out)


# Pieces hostile text is built from: Slack markup, mrkdwn, invisible characters, broken UTF-16, links.
_HOSTILE = st.sampled_from(
    [
        "<!channel>", "<!here|here>", "<!everyone>", "<@U0123ABC>", "<#C0123|general>", "<!subteam^S1>",
        "<http://evil.example|bank>", "<", ">", "&", "&amp;", "&lt;", "&gt;", "@", "@here", "@channel",
        "*", "_", "~", "`", "```", "\u200b", "\u200d", "\u202e", "\u2066", "\ufeff", "\ud800", "\udc00",
        "\ud83d\ude00", "http://", "https://", "://", ".", "。", "evil", "com", "io", "www", "1", "192.168.0.1",
        " ", "\n", "\r", "\t", "x", "é", "\u0301", "🇬🇧", "[card]", "mailto:", "|",
    ]
)  # fmt: skip
hostile_text = st.lists(st.one_of(_HOSTILE, st.text(max_size=4)), max_size=40).map("".join)


@FAST
@given(hostile_text, st.integers(min_value=0, max_value=300))
def test_quote_never_raises_never_stays_live_and_respects_the_limit(text: str, limit: int) -> None:
    out = quote(text, limit=limit)
    assert not has_live_markup(out)
    assert len(out) <= limit + 1
    assert "\n" not in out
    out.encode("utf-8")  # no lone surrogate survives


@FAST
@given(hostile_text)
def test_escape_is_idempotent_and_never_live(text: str) -> None:
    once = escape(text)
    assert not has_live_markup(once)
    assert escape(once) == once


@FAST
@given(hostile_text)
def test_quoting_twice_stays_safe(text: str) -> None:
    twice = quote(quote(text, limit=120), limit=120)
    assert not has_live_markup(twice)
    assert len(twice) <= 121


@FAST
@given(st.text())
def test_redact_accepts_any_text(text: str) -> None:
    out = redact(text)
    assert isinstance(out, str)
    out.encode("utf-8")


@FAST
@given(st.text(alphabet=string.ascii_letters + string.digits[:1] + " éüß", max_size=60))
def test_ordinary_words_pass_through_escape_unchanged(text: str) -> None:
    assert escape(text) == text


# The shortcuts in escape() and redact() (text that no rule would change is returned as it is) must
# give exactly what running every rule gives.
_NEAR_INERT = st.text(alphabet=string.ascii_letters + string.digits + " .,:/'-!?@_*éñ¿’—…\u00ad\n\t", max_size=60)


@FAST
@given(st.one_of(hostile_text, _NEAR_INERT))
def test_escape_shortcut_matches_every_rule(text: str) -> None:
    from bot.safety import _escape_all

    assert escape(text) == _escape_all(text)


@FAST
@given(st.one_of(hostile_text, _NEAR_INERT, st.text(max_size=40)))
@example("write to jane@example.com please")
@example("call me on 0161 496 0000")
@example("jane at example dot com")
def test_redact_shortcut_matches_every_rule(text: str) -> None:
    from bot.safety import _clean, _redact_all

    assert redact(text) == _redact_all(_clean(text))
