"""manifest.yml creates the app the code expects: the ids, events, command and scopes stay in sync."""

from __future__ import annotations

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


def test_scopes_cover_what_the_bot_calls() -> None:
    scopes = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    needed = {"channels:history", "groups:history", "chat:write", "commands", "usergroups:read", "im:write", "users:read"}
    assert needed <= scopes


def test_long_description_is_long_enough_for_slack() -> None:
    assert 174 <= len(MANIFEST["display_information"]["long_description"]) <= 4000
