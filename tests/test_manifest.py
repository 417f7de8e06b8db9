"""manifest.yml creates the app the code expects: the ids, events, command and scopes stay in sync."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import yaml

from bot import ids

MANIFEST = yaml.safe_load((Path(__file__).parent.parent / "manifest.yml").read_text())


def test_message_shortcut_matches_the_listener() -> None:
    shortcuts = MANIFEST["features"]["shortcuts"]
    assert any(s["type"] == "message" and s["callback_id"] == ids.HANDOFF_SHORTCUT for s in shortcuts)


def test_events_command_and_interactivity() -> None:
    settings = MANIFEST["settings"]
    assert {"message.channels", "message.groups", "app_home_opened"} <= set(settings["event_subscriptions"]["bot_events"])
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["socket_mode_enabled"] is True
    assert [c["command"] for c in MANIFEST["features"]["slash_commands"]] == ["/deescalate"]
    assert MANIFEST["features"]["app_home"]["home_tab_enabled"] is True


# Web API method -> the bot scope it needs (None: no scope). Slack's method pages list these; a method
# the code calls that is missing here fails the test below until its scope is looked up and added.
METHOD_SCOPES: dict[str, str | None] = {
    "auth.test": None,
    "chat.postMessage": "chat:write",
    "chat.postEphemeral": "chat:write",
    "chat.update": "chat:write",
    "chat.delete": "chat:write",
    "chat.getPermalink": None,
    "views.open": None,
    "views.push": None,
    "views.update": None,
    "views.publish": None,
    "conversations.open": "im:write",
    "conversations.info": "channels:read",  # + groups:read for private channels
    "conversations.members": "channels:read",
    "conversations.replies": "channels:history",
    "conversations.history": "channels:history",
    "users.info": "users:read",
    "users.lookupByEmail": "users:read.email",
    "usergroups.users.list": "usergroups:read",
    "usergroups.list": "usergroups:read",
    "reactions.add": "reactions:write",
}
# Event subscriptions -> the scope Slack requires to deliver them.
EVENT_SCOPES = {"message.channels": "channels:history", "message.groups": "groups:history", "message.im": "im:history",
                "app_home_opened": None, "app_mention": "app_mentions:read", "reaction_added": "reactions:read"}
_FAMILIES = ("admin", "apps", "auth", "bookmarks", "bots", "chat", "conversations", "dnd", "emoji", "files", "pins",
             "reactions", "reminders", "search", "stars", "team", "usergroups", "users", "views")
_FILE_TYPES = {"json", "jsonl", "zip", "toml", "py", "yml", "yaml", "csv", "txt", "md"}
# Serves Slack's side for `deescalate replay` (answers methods, calls none).
_NOT_CALLERS = {"handlers/replay_slack.py"}


def _methods_called() -> dict[str, set[str]]:
    """Every Web API method named in the product code -> the files naming it.

    Both spellings count: a method string ("chat.postMessage", as the gateway sends them) and a
    slack_sdk wrapper attribute (client.chat_postMessage / client.auth_test).
    """
    root = Path(__file__).parent.parent
    found: dict[str, set[str]] = {}
    for path in sorted([*root.glob("bot/*.py"), *root.glob("handlers/*.py"), *root.glob("phrasebook/*.py")]):
        relative = path.relative_to(root).as_posix()
        if relative in _NOT_CALLERS:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            name = None
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                name = node.value
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and "_" in node.func.attr:
                family, _, rest = node.func.attr.partition("_")
                name = f"{family}.{rest.replace('_', '.')}"
            if (
                name
                and re.fullmatch(r"[a-z]+(\.[a-zA-Z]+)+", name)
                and name.split(".")[0] in _FAMILIES
                and name.rsplit(".", 1)[1] not in _FILE_TYPES
            ):
                found.setdefault(name, set()).add(relative)
    return found


def test_the_scan_finds_the_gateways_calls() -> None:
    called = _methods_called()
    assert {"chat.postEphemeral", "chat.postMessage", "views.open", "conversations.open", "auth.test"} <= called.keys()


def test_scopes_are_exactly_what_the_code_calls_and_the_events_need() -> None:
    called = _methods_called()
    unknown = {m: sorted(files) for m, files in called.items() if m not in METHOD_SCOPES}
    assert not unknown, f"methods called with no scope on record (add them to METHOD_SCOPES): {unknown}"
    needed = {METHOD_SCOPES[m] for m in called} | {EVENT_SCOPES[e] for e in MANIFEST["settings"]["event_subscriptions"]["bot_events"]}
    if MANIFEST["features"].get("slash_commands") or MANIFEST["features"].get("shortcuts"):
        needed.add("commands")
    needed.discard(None)
    granted = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    assert not needed - granted, f"scopes missing from manifest.yml: {sorted(needed - granted)}"
    assert not granted - needed, f"scopes nothing calls (drop them from manifest.yml or use them): {sorted(granted - needed)}"


def test_long_description_is_long_enough_for_slack() -> None:
    assert 174 <= len(MANIFEST["display_information"]["long_description"]) <= 4000
