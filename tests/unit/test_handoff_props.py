"""Property tests: whatever a customer (or an agent) types, the summary the bot builds carries no live
Slack markup, no card numbers or e-mail addresses, and stays within Block Kit's limits."""

from __future__ import annotations

import json
import re
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bot.case import Case, Line, Step
from bot.detector import ThreadTension
from bot.handoff import Handoff, handoff_fields, prefill, validate_request
from bot.handoff_blocks import (
    agent_notice,
    case_post,
    decline_modal,
    existing_modal,
    followup_reminder,
    handoff_modal,
    renotify_post,
    supervisor_dm,
)
from bot.safety import has_live_markup

T0 = 1_700_000_000.0
PERMALINK = "https://standin.slack.com/archives/CSUP/p1700000000000100"
OURS = ["<@UCUST>", "<@UAGENT>", "<@USUPER1>", "<@USUPER2>", "<!subteam^S0SUPERS>", f"<{PERMALINK}|"]

# Text a hostile or careless customer could send: Slack markup, mrkdwn, links, and plain noise.
tricky = st.sampled_from(
    ["<!channel>", "<!here>", "<!everyone>", "<@U0ADMIN>", "<#C0GENERAL>", "<!subteam^S0ALL>", "@here", "@channel",
     "<https://evil.example|your bank>", "http://evil.example/x", "evil.com", "*bold*", "_it_", "~s~", "`code`",
     "> quote", "&lt;!channel&gt;", "<", ">", "&", "\n", "\u202e", "\u200b", "www.phish.io", "a@b", "1.2.3.4"]
)
customer_text = st.lists(st.one_of(st.text(max_size=40), tricky), max_size=8).map(" ".join)


def _luhn_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        n = int(ch)
        if i % 2 == 0:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return str((10 - total % 10) % 10)


cards = st.tuples(st.sampled_from(["4", "51", "37", "6011"]), st.text("0123456789", min_size=14, max_size=14), st.sampled_from([" ", "-", ""])).map(
    lambda t: (lambda digits: t[2].join(digits[i : i + 4] for i in range(0, len(digits), 4)))(
        (t[0] + t[1])[:15] + _luhn_digit((t[0] + t[1])[:15])
    )
)
label = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=10)
emails = st.builds(lambda local, dom, tld: f"{local}@{dom}.{tld}", st.from_regex(r"[a-z][a-z0-9._+-]{0,14}[a-z0-9]", fullmatch=True),
                   label, st.sampled_from(["com", "org", "de", "io", "co.uk"]))


def strings(blocks: Any) -> list[str]:
    """Every text string inside a Block Kit structure."""
    if isinstance(blocks, dict):
        return [s for v in blocks.values() for s in strings(v)]
    if isinstance(blocks, (list, tuple)):
        return [s for v in blocks for s in strings(v)]
    return [blocks] if isinstance(blocks, str) else []


def live_parts(texts: list[str]) -> list[str]:
    found = []
    for text in texts:
        for ours in OURS:
            text = text.replace(ours, " ")
        if has_live_markup(text):
            found.append(text)
    return found


def build_case(lines: list[str], evidence: list[str], steps: list[str]) -> Case:
    return Case(
        channel="CSUP", root_ts="1700000000.000100", customer="UCUST", agents=["UAGENT"],
        tension=ThreadTension(trajectory=[0.3, 0.8], levels=["uneasy", "heated"]), level="heated", peak_level="heated",
        evidence=dict(zip(["delay", "refund", "legal", "abuse"], evidence)),
        lines=[Line(f"1.{i}", t, "tense", T0 + i) for i, t in enumerate(lines)],
        first_tense_at=T0, steps=[Step(T0, "UAGENT", "offer", text=s) for s in steps],
    )


def every_rendering(h: Handoff, case: Case) -> list[Any]:
    now = T0 + 900
    states = [
        h,
        Handoff.from_fields({**h.extra, "state": "accepted", "accepted_by": "USUPER1", "accepted_at": str(T0 + 200), "assignee": "USUPER2"}),
        Handoff.from_fields({**h.extra, "state": "declined", "declined_by": "USUPER1", "decline_reason": h.note}),
        Handoff.from_fields({**h.extra, "state": "resolved", "resolved_by": "USUPER1", "resolution": h.wanted, "root_cause": h.issue, "cost": h.note}),
    ]
    out: list[Any] = [handoff_modal(prefill(case, h.note), channel="C", root_ts="1.2", requested_by="UAGENT")]
    for s in states:
        out += [case_post(s, now), supervisor_dm(s, now), renotify_post(s, now, "<!subteam^S0SUPERS>"), existing_modal(s, now),
                decline_modal(s), followup_reminder(s, now)]
        out += [agent_notice(k, s, now) for k in ("opened", "exists", "accepted", "declined", "reassigned", "resolved")]
    return out


def handoff_from(case: Case, issue: str, wanted: str, steps: str, note: str) -> Handoff | None:
    request, _ = validate_request(issue, wanted, steps, "high", note)
    if request is None:
        return None
    fields = handoff_fields(case, request, channel="CSUP", root_ts="1.2", requested_by="UAGENT", now=T0 + 100, permalink=PERMALINK)
    return Handoff.from_fields({**fields, "id": "h1", "state": "open", "post_permalink": PERMALINK})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lines=st.lists(customer_text, min_size=1, max_size=6),
    evidence=st.lists(customer_text, max_size=4),
    steps=st.lists(customer_text, max_size=3),
    issue=customer_text,
    wanted=customer_text,
    note=customer_text,
)
def test_no_customer_text_ever_becomes_live_markup(lines, evidence, steps, issue, wanted, note):
    case = build_case(lines, evidence, steps)
    issue = issue if issue.strip() else "x"
    h = handoff_from(case, issue[:140], wanted, "\n".join(steps), note)
    assume(h is not None)
    for rendered in every_rendering(h, case):
        assert live_parts(strings(rendered)) == []


@settings(max_examples=150, deadline=None)
@given(card=cards, email=emails, filler=st.text("abc xyz!?.,", max_size=30), where=st.integers(0, 3))
def test_cards_and_emails_never_reach_a_rendering_or_the_store(card, email, filler, where):
    leak = f"{filler} my card is {card} and mail {email} {filler}"
    texts = ["ok", "ok", "ok", "ok"]
    texts[where] = leak
    case = build_case([texts[0], leak], [texts[1]], [texts[2]])
    h = handoff_from(case, "Refund " + texts[3][:120], texts[0], texts[2], texts[1])
    assert h is not None
    digits = re.sub(r"\D", "", card)
    stored = json.dumps(dict(h.extra), ensure_ascii=False)
    for text in [stored, *[s for r in every_rendering(h, case) for s in strings(r)]]:
        plain = _unescape(text)
        assert email not in plain
        assert digits not in re.sub(r"[^\d\s-]", "#", plain).replace(" ", "").replace("-", "")


@settings(max_examples=100, deadline=None)
@given(text=st.text(min_size=1, max_size=3000), many=st.lists(st.text(max_size=300), max_size=6))
def test_block_kit_limits_hold_for_any_length(text, many):
    case = build_case(many or [text], many, many)
    h = handoff_from(case, text[:140] if text.strip() else "x", text, "\n".join(many), text)
    assume(h is not None)
    for rendered in every_rendering(h, case):
        blocks = rendered[1] if isinstance(rendered, tuple) else rendered.get("blocks", []) if isinstance(rendered, dict) else []
        for block in blocks:
            if block["type"] == "header":
                assert len(block["text"]["text"]) <= 150
            if block["type"] == "section":
                assert len(block["text"]["text"]) <= 3000
        assert len(blocks) <= 50


_LOOKALIKES = str.maketrans({"\u2024": ".", "\uff20": "@", "\uff3f": "_", "\u2217": "*", "\u223c": "~", "\uff40": "`", "\uff1a": ":"})


def _unescape(text: str) -> str:
    # Undo the visible lookalikes, so "jane@example.com" shown as "jane＠example․com" still counts as a leak.
    return text.translate(_LOOKALIKES).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
