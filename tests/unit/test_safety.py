"""Unit tests for bot/safety.py: each PII format, each false-positive trap, each markup vector."""

from __future__ import annotations

import time

import pytest

from bot.safety import escape, has_live_markup, quote, redact, truncate

# --------------------------------------------------------------------------- redaction: positives


@pytest.mark.parametrize(
    "card",
    [
        "4111 1111 1111 1111",
        "4111-1111-1111-1111",
        "4111111111111111",
        "5500 0000 0000 0004",
        "3782 822463 10005",  # Amex 4-6-5
        "3056 930902 5904",  # Diners 4-6-4
        "6011 0009 9013 9424",
        "4222222222222",  # 13-digit Visa
        "6250 9410 0652 8599 008",  # 19 digits, 4-4-4-4-3
        "4111 - 1111 - 1111 - 1111",
        "４１１１ １１１１ １１１１ １１１１",  # full-width digits
    ],
)
def test_cards_that_pass_luhn_are_redacted(card: str) -> None:
    out = redact(f"my card is {card}, please check")
    assert out == "my card is [card], please check"


def test_card_split_by_zero_width_characters_is_still_redacted() -> None:
    assert redact("4111\u200b1111\u200d1111\u20601111") == "[card]"


def test_card_after_an_order_number_is_redacted_and_the_order_number_kept() -> None:
    assert redact("order 12345 4111 1111 1111 1111") == "order 12345 [card]"


def test_two_cards_in_one_run_are_both_redacted() -> None:
    assert redact("4111 1111 1111 1111 5500 0000 0000 0004") == "[card] [card]"


def test_a_phone_number_introduced_as_a_number_is_still_redacted() -> None:
    assert redact("my phone number is 5551234567") == "my phone number is [phone]"


@pytest.mark.parametrize(
    "iban",
    [
        "GB82 WEST 1234 5698 7654 32",
        "GB82WEST12345698765432",
        "DE89 3704 0044 0532 0130 00",
        "de89370400440532013000",
        "FR14 2004 1010 0505 0001 3M02 606",
        "NL91 ABNA 0417 1643 00",
        "NO93 8601 1117 947",
        "CH93-0076-2011-6238-5295-7",
    ],
)
def test_ibans_with_valid_checksum_are_redacted(iban: str) -> None:
    assert redact(f"send it to {iban} thanks") == "send it to [iban] thanks"


@pytest.mark.parametrize(
    "email",
    [
        "jane@example.com",
        "jane.doe+refunds@mail.example.co.uk",
        "o_brien-99@sub.domain.io",
        "jörg@müller.de",
        "admin@[192.168.10.1]",
        "JANE@EXAMPLE.COM",
        "jane [at] example [dot] com",
        "jane(at)example(dot)com",
        "jane {at} example.com",
        "jane at example dot com",
    ],
)
def test_email_addresses_are_redacted(email: str) -> None:
    assert redact(f"write to {email} today") == "write to [email] today"


def test_email_inside_slack_mailto_markup_is_redacted_twice() -> None:
    assert redact("<mailto:jane@example.com|jane@example.com>") == "<mailto:[email]|[email]>"


@pytest.mark.parametrize(
    "phone",
    [
        "+1 555 123 4567",
        "+1 (555) 123-4567",
        "+15551234567",
        "(555) 123-4567",
        "(555)123-4567",
        "555-123-4567",
        "555.123.4567",
        "555 123 4567",
        "1-800-555-0199",
        "1 (800) 555-0199",
        "07700 900123",
        "07700900123",
        "020 7946 0958",
        "+44 20 7946 0958",
        "+44 (0)20 7946 0958",
        "(+44) 20 7946 0958",
        "0044 20 7946 0958",
        "+49 30 1234567",
        "030/1234567",
        "+33 1 23 45 67 89",
        "01 23 45 67 89",
        "06.12.34.56.78",
        "0412 345 678",
        "(02) 9876 5432",
        "98765 43210",
        "2025550123",
        "555-0199",
        "555-123-4567 ext. 89",
        "555-123-4567 x123",
        "+1 555 123 4567, extension 7",
    ],
)
def test_phone_numbers_are_redacted(phone: str) -> None:
    assert redact(f"call me on {phone} after six") == "call me on [phone] after six"


def test_each_kind_gets_its_own_token_in_one_message() -> None:
    text = "I'm jane@example.com, card 4111 1111 1111 1111, IBAN GB82 WEST 1234 5698 7654 32, tel +1 555 123 4567"
    assert redact(text) == "I'm [email], card [card], IBAN [iban], tel [phone]"


# --------------------------------------------------------------------------- redaction: negatives


@pytest.mark.parametrize(
    "text",
    [
        "order 12345",
        "my order number is 2024050112",  # looks like a US number but an order id precedes it
        "order #5551234567",
        "ticket: 5550199",
        "it shipped on 2024-05-01 and again 2024-06-01",
        "on 01.05.2024 12:30 I paid",
        "05/01/2024",
        "it cost $1,299.00",
        "1.299,00 €",
        "10-15 days",
        "version 10.0.19045.3570",
        "zip 90210-1234",
        "1 000 000 users",
        "1 234 567 890 customers",
        "4111 1111 1111 1112",  # fails Luhn
        "4111111111111112",
        "tracking 9400111899223344556677",
        "GB82 WEST 1234 5698 7654 33",  # IBAN with a wrong checksum
        "XX82 WEST 1234 5698 7654 32",  # no such country
        "at 10:30 on the 3rd",
        "email me @ the usual place",
        "user@localhost",
        "ref 1234-5678-9012",
        "room 101, floor 3",
    ],
)
def test_numbers_that_are_not_personal_data_stay(text: str) -> None:
    assert redact(text) == text


# --------------------------------------------------------------------------- escaping


@pytest.mark.parametrize(
    "vector",
    [
        "<!channel>",
        "<!here>",
        "<!everyone>",
        "<!subteam^S0123|support>",
        "<@U012ABCDEF>",
        "<#C012ABCDEF>",
        "<http://evil.example|your bank>",
        "<mailto:x@evil.example|click>",
        "<!date^1392734382^{date}|Feb 18>",
    ],
)
def test_slack_markup_is_shown_not_parsed(vector: str) -> None:
    out = escape(f"hey {vector} there")
    assert "<" not in out and ">" not in out
    assert not has_live_markup(out)
    assert has_live_markup(vector)


@pytest.mark.parametrize("word", ["@channel", "@here", "@everyone", "@alice"])
def test_plain_at_mentions_cannot_notify(word: str) -> None:
    out = escape(f"{word} look at this")
    assert word not in out
    assert out.startswith("＠")  # still readable
    assert not has_live_markup(out)


def test_at_sign_inside_an_address_is_left_alone() -> None:
    assert "@" in escape("jane@example")


def test_ampersand_and_brackets_become_entities_and_existing_entities_are_kept() -> None:
    assert escape("a & b < c > d") == "a &amp; b &lt; c &gt; d"
    # Text from Slack events arrives encoded; encoding it again would print "&amp;lt;".
    assert escape("a &amp; b &lt; c") == "a &amp; b &lt; c"


def test_mrkdwn_formatting_characters_are_replaced_by_visible_lookalikes() -> None:
    out = escape("*bold* _italic_ ~strike~ `code` ```block```")
    assert not any(ch in out for ch in "*_~`")
    assert out == "∗bold∗ ＿italic＿ ∼strike∼ ｀code｀ ｀｀｀block｀｀｀"


def test_a_line_starting_with_a_quote_marker_cannot_open_a_block_quote() -> None:
    out = escape("> fake quote\n   &gt; another\nx > y")
    assert out == "＞ fake quote\n   ＞ another\nx &gt; y"


@pytest.mark.parametrize(
    "link",
    ["http://evil.example/pay", "https://bank.com", "www.evil.io", "evil.com", "pay.evil.co.uk/x", "192.168.0.1"],
)
def test_bare_links_are_defanged(link: str) -> None:
    out = escape(f"go to {link} now")
    assert has_live_markup(link)
    assert not has_live_markup(out)
    assert "." not in out.split("go to ")[1].split(" now")[0]


def test_zero_width_and_bidi_characters_are_removed() -> None:
    out = escape("pay\u200b\u200c\u2060\ufeff\u202e\u2066ment\u202c")
    assert out == "payment"


def test_a_mention_hidden_by_zero_width_characters_is_still_broken() -> None:
    out = escape("<\u200b!channel>  @\u200bhere")
    assert not has_live_markup(out)
    assert "@here" not in out


def test_emoji_sequences_keep_their_joiners() -> None:
    assert escape("👩\u200d💻 ok") == "👩\u200d💻 ok"
    assert escape("a\u200db") == "ab"


def test_control_characters_are_dropped_and_newlines_normalised() -> None:
    assert escape("a\x00b\x07c\r\nd\re\u2028f") == "abc\nd\ne\nf"


def test_lone_surrogates_are_replaced_and_pairs_joined() -> None:
    assert escape("bad \ud800 x") == "bad \ufffd x"
    assert escape("\ud83d\ude00") == "😀"
    escape("\udfff" * 10).encode("utf-8")  # must now be encodable


def test_escape_is_idempotent_on_hostile_input() -> None:
    text = "<!channel> *hi* @here & evil.com http://x.io > q ~s~ `c` \u202e"
    once = escape(text)
    assert escape(once) == once


# --------------------------------------------------------------------------- quote


def test_quote_redacts_escapes_and_puts_everything_on_one_line() -> None:
    text = "Hi <!channel>\n\nmy card 4111 1111 1111 1111 was *charged*\ttwice, mail jane@example.com"
    assert quote(text) == "Hi &lt;!channel&gt; my card [card] was ∗charged∗ twice, mail [email]"


def test_quote_truncates_with_an_ellipsis_within_the_limit() -> None:
    out = quote("word " * 100, limit=40)
    assert out.endswith("…")
    assert len(out) <= 41
    assert out == "word word word word word word word word…"


@pytest.mark.parametrize("text", ["a" * 37 + "&&&&&&", "a" * 36 + " 4111 1111 1111 1111 tail", "a" * 35 + "<<<<<"])
def test_quote_never_cuts_an_entity_or_a_token(text: str) -> None:
    for limit in range(30, 50):
        out = quote(text, limit=limit)
        assert len(out) <= limit + 1
        body = out.rstrip("…")
        assert not body.endswith(("&", "&a", "&am", "&amp", "&l", "&lt", "&g", "&gt"))
        assert "[" not in body or "]" in body.split("[")[-1]


def test_quote_never_strands_an_accent_or_half_a_flag() -> None:
    out = quote("x" * 9 + "e\u0301" * 3, limit=10)
    assert not out.startswith("\u0301") and "\u0301…" not in out.replace("e\u0301…", "")
    flags = quote("ab" + "🇬🇧" * 5, limit=5)
    assert flags == "ab🇬🇧…"


def test_quote_of_a_short_limit_is_still_bounded() -> None:
    assert len(quote("jane@example.com wrote", limit=3)) <= 4
    assert quote("", limit=10) == ""


def test_quote_redacts_data_that_sits_at_the_edge_of_a_long_message() -> None:
    # Long e-mails shrink a lot when redacted; the card behind them must not leak into view.
    # quote() redacts a head of the text first; put the card across every plausible head length.
    for pad in range(0, 120, 3):
        emails = "y" * pad + " " + " ".join(f"{'x' * 60}{i:02}@example.com" for i in range(22))
        out = quote(emails + " 4111 1111 1111 1111 end", limit=400)
        assert "1111" not in out
        assert "xxxx" not in out


def test_truncate_leaves_short_text_alone() -> None:
    assert truncate("short", 10) == "short"


# --------------------------------------------------------------------------- speed


def _elapsed(fn, text: str) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    fn(text)
    return time.perf_counter() - start


@pytest.mark.parametrize(
    "text",
    ["1 " * 20000, "a@" * 20000, "a" * 40000, "1." * 20000, "<a" * 20000, "DE12 " * 8000, "(1)" * 13000, "1-" * 20000],
    ids=["digits-spaces", "at-signs", "one-word", "dotted-digits", "brackets", "iban-starts", "parens", "dashes"],
)
def test_pathological_input_finishes_quickly(text: str) -> None:
    for fn in (redact, escape, quote, has_live_markup):
        assert _elapsed(fn, text) < 1.0, fn.__name__


def test_quote_of_forty_thousand_characters_is_fast() -> None:
    text = ("My order is late, call 555-123-4567 or mail jane@example.com <!here> *now* " * 600)[:40000]
    best = min(_elapsed(quote, text) for _ in range(3))
    assert best < 0.05


def test_a_cut_cannot_leave_a_linkable_address_behind() -> None:
    # found by hypothesis: the full run is no address, but the truncated one looks like an IPv4
    out = quote(">*192.168.0.10000000<#C0123|general>192.168.0.1evil", limit=53)
    assert not has_live_markup(out)
    assert len(out) <= 54
