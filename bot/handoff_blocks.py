"""Block Kit for handoffs: the request modal, the case post in each state, the supervisors' modals,
the supervisor's DM, and the private notices to the agent. Pure builders over `Handoff` values.

Every string that came from a person's typing (customer or agent) goes through `bot.safety.quote()`
here, at the last moment before it becomes Block Kit, so no path can skip it. Mentions are built only
from checked user ids; the only links are Slack permalinks the bot asked Slack for.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from bot import blocks as bk
from bot import ids
from bot.report import duration
from bot.handoff import ISSUE_LIMIT, SEVERITIES, TEXT_LIMIT, Handoff, Prefill, clip, mention, user_id
from bot.safety import quote
from bot.sparkline import LEVEL_SYMBOLS, level_strip, sparkline

Blocks = list[dict[str, Any]]

# Block ids of the modal inputs (the submission handlers read values by these).
ISSUE, WANTED, STEPS, SEVERITY, NOTE = "issue", "wanted", "steps", "severity", "note"
REASON, ASSIGNEE = "reason", "assignee"
RESOLUTION, ROOT_CAUSE, COST, FOLLOW_UP = "resolution", "root_cause", "cost", "follow_up"
VALUE = "value"  # the action id inside each input block

SEVERITY_BADGE = {"low": "🟢 Low", "medium": "🟡 Medium", "high": "🟠 High", "critical": "🔴 Critical"}
STATE_WORDS = {"open": "waiting for a supervisor", "accepted": "accepted", "declined": "declined", "resolved": "resolved"}

TITLE_MAX, OPTION_MAX, HEADER_MAX = bk.TITLE_MAX, bk.OPTION_MAX, bk.HEADER_MAX


# ---- text helpers -------------------------------------------------------------------------------


def _link(url: str, label: str) -> str:
    # Only Slack's own permalinks become links; anything else is shown as its label.
    if url.startswith("https://") and ".slack.com/" in url and not any(c in url for c in "<>| "):
        return f"<{url}|{label}>"
    return label


# ---- the request modal --------------------------------------------------------------------------


def _text_input(block_id: str, label: str, initial: str, *, multiline: bool = False, optional: bool = False,
                max_length: int = TEXT_LIMIT, hint: str | None = None, placeholder: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "plain_text_input", "action_id": VALUE, "multiline": multiline, "max_length": max_length}
    if initial:
        element["initial_value"] = initial[:max_length]
    if placeholder:
        element["placeholder"] = bk.plain(placeholder, bk.PLACEHOLDER_MAX)
    block: dict[str, Any] = {"type": "input", "block_id": block_id, "label": bk.plain(label, bk.LABEL_MAX), "element": element, "optional": optional}
    if hint:
        block["hint"] = bk.plain(hint, bk.LABEL_MAX)
    return block


def _option(value: str, label: str | None = None) -> dict[str, Any]:
    return {"text": bk.plain(label or value, OPTION_MAX), "value": value[:bk.OPTION_VALUE_MAX]}


def handoff_modal(fill: Prefill, *, channel: str, root_ts: str, requested_by: str, permalink: str | None = None) -> dict[str, Any]:
    """The modal an agent fills to hand a thread to a supervisor, prefilled from the thread's record."""
    where = _link(permalink, "this thread") if permalink else "this thread"
    severity = fill.severity if fill.severity in SEVERITIES else "medium"
    blocks: Blocks = [
        bk.context(f"Supervisors get a summary of {where}: the customer's tension over time, what set it off, and what you write here."),
        _text_input(ISSUE, "The issue, in one line", fill.issue, max_length=ISSUE_LIMIT, placeholder="e.g. Refund promised twice, still not received"),
        _text_input(WANTED, "What the customer wants", fill.wanted, multiline=True, optional=True,
                    hint="The outcome they asked for, in their terms."),
        _text_input(STEPS, "Steps already taken", "\n".join(fill.steps), multiline=True, optional=True,
                    hint="One per line: apologies, offers, boundaries you set."),
        {
            "type": "input",
            "block_id": SEVERITY,
            "label": bk.plain("Severity"),
            "element": {
                "type": "static_select",
                "action_id": VALUE,
                "options": [_option(s, SEVERITY_BADGE[s]) for s in SEVERITIES],
                "initial_option": _option(severity, SEVERITY_BADGE[severity]),
            },
        },
        _text_input(NOTE, "Note for the supervisor", fill.note, multiline=True, optional=True,
                    placeholder="Anything they should know before stepping in"),
    ]
    return {
        "type": "modal",
        "callback_id": ids.HANDOFF_MODAL,
        "title": bk.plain("Hand off this thread", TITLE_MAX),
        "submit": bk.plain("Send to supervisors", OPTION_MAX),
        "close": bk.plain("Cancel", OPTION_MAX),
        "private_metadata": f"{channel}|{root_ts}|{requested_by}",
        "blocks": blocks,
    }


def existing_modal(h: Handoff, now: float) -> dict[str, Any]:
    """Shown instead of a second request when the thread already has a live handoff."""
    who = f" by {mention(h.owner)}" if h.owner else ""
    post = _link(h.post_permalink, "the case in the supervisor channel") if h.post_permalink else "the supervisor channel"
    text = (
        f"This thread already has a handoff, {STATE_WORDS.get(h.state, h.state)}{who}.\n"
        f"Asked {duration(now - h.requested_at)} ago by {mention(h.requested_by)}: *{quote(h.issue, ISSUE_LIMIT)}*\n"
        f"See {post}."
    )
    return {
        "type": "modal",
        "title": bk.plain("Handoff already open", TITLE_MAX),
        "close": bk.plain("OK", OPTION_MAX),
        "blocks": [bk.section(text)],
    }


def read_request(values: Mapping[str, Any]) -> dict[str, str]:
    """The handoff modal's submitted values as plain strings (missing ones empty)."""
    return {
        "issue": _value(values, ISSUE),
        "wanted": _value(values, WANTED),
        "steps": _value(values, STEPS),
        "severity": _selected(values, SEVERITY),
        "note": _value(values, NOTE),
    }


# ---- the case in the supervisor channel ------------------------------------------------------------


def trajectory_line(h: Handoff) -> str:
    """`▁▂▅▇` `·◦●◉` now *heated* — tension per customer message, then the level after each."""
    if not h.trajectory:
        return f"peak *{h.peak_level}*"
    strip = f"  `{level_strip(list(h.levels))}`" if h.levels else ""
    now = f", now *{h.levels[-1]}*" if h.levels else ""
    return f"`{sparkline(list(h.trajectory))}`{strip}  peak *{h.peak_level}*{now}  _({LEGEND})_"


LEGEND = " ".join(f"{symbol} {level}" for level, symbol in LEVEL_SYMBOLS.items())


def case_blocks(h: Handoff, now: float) -> Blocks:
    """The case body shared by the post, the re-notify post and the supervisor's DM (no buttons)."""
    badge = SEVERITY_BADGE.get(h.severity, h.severity)
    title = clip(f"{badge} · {quote(h.issue, ISSUE_LIMIT)}", HEADER_MAX)
    people = [
        f"*Customer* {mention(h.customer)}" if h.customer else "*Customer* not known",
        f"*Agent* {mention(h.agent or h.requested_by)}",
        _link(h.permalink, "Open the thread") if h.permalink else "",
    ]
    tension = f"*Tension* {trajectory_line(h)}"
    if h.first_tense_at:
        tension += f"\nFirst signs of tension {duration(now - h.first_tense_at)} ago"
    blocks: Blocks = [
        bk.header(title),
        bk.section(" · ".join(p for p in people if p)),
        bk.section(tension),
    ]
    if h.triggers:
        lines = [f"• *{quote(kind, 40)}*: “{quote(evidence, 120)}”" if evidence else f"• *{quote(kind, 40)}*"
                 for kind, evidence in h.triggers]
        blocks.append(bk.section("*What set it off*\n" + "\n".join(lines)))
    blocks.append(bk.section("*What the customer wants*\n" + (quote(h.wanted, TEXT_LIMIT) if h.wanted else "_Not stated_")))
    if h.steps:
        blocks.append(bk.section("*Steps already taken*\n" + "\n".join(f"• {quote(s, 160)}" for s in h.steps)))
    if h.note:
        blocks.append(bk.section(f"*Note from {mention(h.requested_by)}*\n{quote(h.note, TEXT_LIMIT)}"))
    return blocks


def status_line(h: Handoff, now: float) -> str:
    """One line saying where the handoff stands, for the post's footer and notices."""
    if h.state == "accepted":
        line = f"✅ Accepted by {mention(h.accepted_by)}, {duration((h.accepted_at or now) - h.requested_at)} after the request"
    elif h.state == "declined":
        reason = f": “{quote(h.decline_reason, 300)}”" if h.decline_reason else ""
        line = f"✖️ Declined by {mention(h.declined_by)}{reason}"
    elif h.state == "resolved":
        took = duration((h.resolved_at or now) - h.requested_at)
        line = f"☑️ Resolved by {mention(h.resolved_by)}, {took} after the request"
    else:
        line = f"⏳ Requested by {mention(h.requested_by)} {duration(now - h.requested_at)} ago, waiting for a supervisor"
        if h.renotified:
            line += f" (reminded {h.renotified}×)"
    if h.assignee and h.state in ("open", "accepted"):
        line += f" · assigned to {mention(h.assignee)}"
    return line


def _resolution_block(h: Handoff) -> dict[str, Any]:
    parts = [f"*Resolution*\n{quote(h.resolution, TEXT_LIMIT)}" if h.resolution else "*Resolution* _not described_"]
    facts = []
    if h.root_cause:
        facts.append(f"root cause: {quote(h.root_cause, 60)}")
    if h.cost:
        facts.append(f"cost: {quote(h.cost, 20)}")
    if h.follow_up:
        facts.append("follow-up reminder set")
    if facts:
        parts.append(" · ".join(facts))
    return bk.section("\n".join(parts))


def case_post(h: Handoff, now: float) -> tuple[str, Blocks]:
    """(fallback text, blocks) for the supervisor channel in the handoff's current state."""
    blocks = case_blocks(h, now)
    if h.state == "resolved":
        blocks.append(_resolution_block(h))
    blocks.append(bk.context(status_line(h, now)))
    actions = _actions(h)
    if actions:
        blocks.append({"type": "actions", "block_id": f"handoff:{h.id}", "elements": actions})
    return fallback_text(h), blocks


def _actions(h: Handoff) -> list[dict[str, Any]]:
    if h.state == "open":
        return [
            bk.button("Accept", ids.HANDOFF_ACCEPT, h.id, "primary"),
            bk.button("Decline", ids.HANDOFF_DECLINE, h.id),
            bk.button("Reassign", ids.HANDOFF_REASSIGN, h.id),
        ]
    if h.state == "accepted":
        return [bk.button("Resolve", ids.HANDOFF_RESOLVE, h.id, "primary"), bk.button("Reassign", ids.HANDOFF_REASSIGN, h.id)]
    return []


def fallback_text(h: Handoff) -> str:
    """The notification text (Slack shows it where blocks can't be shown)."""
    badge = SEVERITY_BADGE.get(h.severity, h.severity)
    return clip(f"Handoff ({badge}, {STATE_WORDS.get(h.state, h.state)}): {quote(h.issue, ISSUE_LIMIT)}", 300)


def group_mention(group: str | None, users: Iterable[str]) -> str:
    """`<!subteam^S…>` for a configured group, else each configured supervisor."""
    if group and group.startswith("S") and group.isalnum():
        return f"<!subteam^{group}>"
    return " ".join(mention(u) for u in sorted(users) if user_id(u)) or "Supervisors"


def renotify_post(h: Handoff, now: float, who: str, *, second_tier: bool = False) -> tuple[str, Blocks]:
    """The case posted again after the SLA passed, with a mention that notifies the supervisors."""
    waited = duration(now - h.requested_at)
    if second_tier:
        lead = f"{who} a handoff has waited {waited} in the supervisor channel without anyone taking it."
    else:
        lead = f"{who} this handoff is still waiting after {waited}."
    if h.post_permalink:
        lead += " " + _link(h.post_permalink, "Original post")
    text, blocks = case_post(h, now)
    return f"Still waiting: {text}", [bk.section(lead), *blocks]


def supervisor_dm(h: Handoff, now: float, *, reassigned_by: str | None = None) -> tuple[str, Blocks]:
    """The direct message a supervisor gets when they take a case (or it is handed to them)."""
    if reassigned_by:
        lead = f"{mention(reassigned_by)} handed you this case."
    else:
        lead = "You took this case."
    where = _link(h.permalink, "Go to the thread") if h.permalink else "The thread link was not available."
    lead += f" {where} — the customer and {mention(h.agent or h.requested_by)} are there."
    blocks = [bk.section(lead), *case_blocks(h, now)]
    if h.state == "accepted":
        blocks.append({"type": "actions", "elements": [bk.button("Resolve", ids.HANDOFF_RESOLVE, h.id, "primary")]})
    return f"Handoff: {quote(h.issue, ISSUE_LIMIT)}", blocks


# ---- the supervisors' modals ------------------------------------------------------------------------


def _modal(callback_id: str, title: str, submit: str, metadata: str, blocks: Blocks) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": bk.plain(title, TITLE_MAX),
        "submit": bk.plain(submit, OPTION_MAX),
        "close": bk.plain("Cancel", OPTION_MAX),
        "private_metadata": metadata,
        "blocks": blocks,
    }


def decline_modal(h: Handoff) -> dict[str, Any]:
    intro = bk.section(f"Declining *{quote(h.issue, ISSUE_LIMIT)}*. {mention(h.requested_by)} will see your reason privately.")
    reason = _text_input(REASON, "Why are you declining?", "", multiline=True, max_length=500,
                         placeholder="e.g. Billing can fix this directly; ask them in #billing")
    return _modal(ids.DECLINE_MODAL, "Decline handoff", "Decline", h.id, [intro, reason])


def reassign_modal(h: Handoff) -> dict[str, Any]:
    intro = bk.section(f"Hand *{quote(h.issue, ISSUE_LIMIT)}* to another supervisor; they get a direct message with the case.")
    pick = {
        "type": "input",
        "block_id": ASSIGNEE,
        "label": bk.plain("Supervisor"),
        "element": {"type": "users_select", "action_id": VALUE, "placeholder": bk.plain("Pick a supervisor", bk.PLACEHOLDER_MAX)},
    }
    return _modal(ids.REASSIGN_MODAL, "Reassign handoff", "Reassign", h.id, [intro, pick])


def resolve_modal(h: Handoff, root_causes: Sequence[str]) -> dict[str, Any]:
    blocks: Blocks = [
        bk.section(f"Resolving *{quote(h.issue, ISSUE_LIMIT)}*."),
        _text_input(RESOLUTION, "What was done", "", multiline=True, max_length=TEXT_LIMIT,
                    placeholder="What the customer got, and what was promised"),
        {
            "type": "input",
            "block_id": ROOT_CAUSE,
            "label": bk.plain("Root cause"),
            "optional": True,
            "element": {"type": "static_select", "action_id": VALUE, "options": [_option(c) for c in list(root_causes)[:100]]},
        },
        _text_input(COST, "Cost (goodwill credit, refund…)", "", optional=True, max_length=20, placeholder="e.g. 25.00"),
        {
            "type": "input",
            "block_id": FOLLOW_UP,
            "label": bk.plain("Follow up"),
            "optional": True,
            "element": {
                "type": "checkboxes",
                "action_id": VALUE,
                "options": [_option("yes", "Remind the agent to check the customer got what was promised")],
            },
        },
    ]
    return _modal(ids.RESOLVE_MODAL, "Resolve handoff", "Resolve", h.id, blocks)


def read_decline(values: Mapping[str, Any]) -> str:
    return _value(values, REASON)


def read_assignee(values: Mapping[str, Any]) -> str:
    return str((values.get(ASSIGNEE, {}).get(VALUE) or {}).get("selected_user") or "")


def read_resolution(values: Mapping[str, Any]) -> dict[str, Any]:
    chosen = (values.get(FOLLOW_UP, {}).get(VALUE) or {}).get("selected_options") or []
    return {
        "resolution": _value(values, RESOLUTION),
        "root_cause": _selected(values, ROOT_CAUSE),
        "cost": _value(values, COST),
        "follow_up": any(o.get("value") == "yes" for o in chosen if isinstance(o, dict)),
    }


def _value(values: Mapping[str, Any], block: str) -> str:
    return str((values.get(block, {}).get(VALUE) or {}).get("value") or "")


def _selected(values: Mapping[str, Any], block: str) -> str:
    option = (values.get(block, {}).get(VALUE) or {}).get("selected_option") or {}
    return str(option.get("value") or "")


# ---- private notices to the agent ----------------------------------------------------------------


def agent_notice(kind: str, h: Handoff, now: float) -> str:
    """The ephemeral line the requesting agent sees in the thread when their handoff moves."""
    issue = quote(h.issue, 80)
    if kind == "opened":
        return (f"Handoff sent to the supervisors ({SEVERITY_BADGE.get(h.severity, h.severity)}): “{issue}”. "
                "I'll tell you here when someone takes it; keep the customer posted meanwhile.")
    if kind == "exists":
        return f"This thread already has a handoff ({STATE_WORDS.get(h.state, h.state)}): “{issue}”. I didn't send a second one."
    if kind == "accepted":
        return (f"{mention(h.accepted_by)} took your handoff “{issue}”, "
                f"{duration((h.accepted_at or now) - h.requested_at)} after you asked. They'll join this thread.")
    if kind == "declined":
        reason = f" Their reason: “{quote(h.decline_reason, 300)}”." if h.decline_reason else ""
        return f"{mention(h.declined_by)} declined your handoff “{issue}”.{reason} The thread stays with you; you can ask again with more context."
    if kind == "reassigned":
        return f"Your handoff “{issue}” is now with {mention(h.assignee)}."
    if kind == "resolved":
        return f"{mention(h.resolved_by)} resolved your handoff “{issue}”: {quote(h.resolution, 300) or 'no details given'}."
    return f"Your handoff “{issue}” is {STATE_WORDS.get(h.state, h.state)}."


def followup_reminder(h: Handoff, now: float) -> tuple[str, Blocks]:
    """The DM that reminds the agent to check the customer got what was promised."""
    thread = _link(h.permalink, "the thread") if h.permalink else "the thread"
    ago = duration(now - (h.resolved_at or now))
    text = (f"Follow-up time: {ago} ago {mention(h.resolved_by)} resolved the handoff on {thread} (“{quote(h.issue, 80)}”). "
            "Check in with the customer that what was promised happened.")
    blocks: Blocks = [bk.section(text)]
    if h.resolution:
        blocks.append(bk.context(f"What was done: {quote(h.resolution, 300)}"))
    return f"Follow-up: {quote(h.issue, 80)}", blocks
