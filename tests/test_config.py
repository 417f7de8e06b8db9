"""Configuration: one frozen object, clear one-line errors naming the variable, env over .env."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError, from_env, load_config

BASE = {
    "SLACK_BOT_TOKEN": "xoxb-123",
    "SLACK_SIGNING_SECRET": "secret",
    "DEESCALATE_SUPERVISOR_CHANNEL": "C0SUPER",
    "DEESCALATE_SUPERVISORS": "U0AAA,S0GROUP",
}


def test_defaults_and_parsing() -> None:
    config = from_env({**BASE, "DEESCALATE_SUPPORT_CHANNELS": "C01, G02", "DEESCALATE_AGENTS": "U1A,W2B"})
    assert config.port == 3000
    assert config.api_url == "https://slack.com/api/"
    assert config.supervisors.users == {"U0AAA"} and config.supervisors.group == "S0GROUP"
    assert config.support_channels == {"C01", "G02"}
    assert config.agents.users == {"U1A", "W2B"} and config.agents.group is None
    assert config.redis_url is None and not config.socket_mode
    assert config.whisper_cooldown_seconds == 120 and config.handoff_sla_minutes == 5 and config.followup_hours == 24


def test_api_url_gets_trailing_slash() -> None:
    assert from_env({**BASE, "SLACK_API_URL": "http://127.0.0.1:9/api"}).api_url == "http://127.0.0.1:9/api/"


@pytest.mark.parametrize(
    ("changes", "variable", "fragment"),
    [
        ({"SLACK_BOT_TOKEN": ""}, "SLACK_BOT_TOKEN", "missing"),
        ({"SLACK_BOT_TOKEN": "xoxp-user"}, "SLACK_BOT_TOKEN", "xoxb-"),
        ({"SLACK_SIGNING_SECRET": ""}, "SLACK_SIGNING_SECRET", "missing"),
        ({"SLACK_APP_TOKEN": "xoxb-wrong"}, "SLACK_APP_TOKEN", "xapp-"),
        ({"PORT": "eighty"}, "PORT", "whole number"),
        ({"PORT": "70000"}, "PORT", "between"),
        ({"REDIS_URL": "localhost:6379"}, "REDIS_URL", "redis://"),
        ({"SLACK_API_URL": "ftp://x"}, "SLACK_API_URL", "https://"),
        ({"DEESCALATE_SUPERVISOR_CHANNEL": "#supervisors"}, "DEESCALATE_SUPERVISOR_CHANNEL", "channel id"),
        ({"DEESCALATE_SUPERVISORS": ""}, "DEESCALATE_SUPERVISORS", "missing"),
        ({"DEESCALATE_SUPERVISORS": "alice"}, "DEESCALATE_SUPERVISORS", "neither a user id"),
        ({"DEESCALATE_SUPERVISORS": "S1AA,S2BB"}, "DEESCALATE_SUPERVISORS", "more than one user group"),
        ({"DEESCALATE_SUPPORT_CHANNELS": "C01,general"}, "DEESCALATE_SUPPORT_CHANNELS", "'general'"),
        ({"DEESCALATE_WHISPER_COOLDOWN_SECONDS": "-5"}, "DEESCALATE_WHISPER_COOLDOWN_SECONDS", "between"),
        ({"DEESCALATE_HANDOFF_SLA_MINUTES": "soon"}, "DEESCALATE_HANDOFF_SLA_MINUTES", "number"),
        ({"DEESCALATE_UNATTENDED_MINUTES": "-1"}, "DEESCALATE_UNATTENDED_MINUTES", "between"),
        ({"DEESCALATE_UNATTENDED_MINUTES": "1441"}, "DEESCALATE_UNATTENDED_MINUTES", "between"),
        ({"DEESCALATE_PHRASEBOOK": "/nonexistent/folder"}, "DEESCALATE_PHRASEBOOK", "does not exist"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL", "DEBUG"),
    ],
)
def test_bad_values_name_the_variable(changes: dict[str, str], variable: str, fragment: str) -> None:
    with pytest.raises(ConfigError) as caught:
        from_env({**BASE, **changes})
    assert caught.value.variable == variable
    assert str(caught.value).startswith(f"{variable}: ")
    assert fragment in str(caught.value)


def test_socket_mode_needs_no_signing_secret() -> None:
    config = from_env({**BASE, "SLACK_SIGNING_SECRET": "", "SLACK_APP_TOKEN": "xapp-1-abc"})
    assert config.socket_mode


def test_offline_mode_needs_no_slack() -> None:
    config = from_env({}, mode="offline")
    assert config.bot_token == "" and config.supervisor_channel is None


def test_environment_wins_over_dotenv(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("SLACK_BOT_TOKEN=xoxb-from-file\nPORT=4000\nDEESCALATE_SUPERVISOR_CHANNEL=C0FILE\n")
    environ = {**BASE, "PORT": "5000"}
    environ.pop("DEESCALATE_SUPERVISOR_CHANNEL")
    config = load_config(env_file=env_file, environ=environ)
    assert config.port == 5000  # the environment wins
    assert config.bot_token == "xoxb-123"
    assert config.supervisor_channel == "C0FILE"  # the file fills what the environment lacks


def test_secrets_are_masked_when_printed() -> None:
    config = from_env({**BASE, "SLACK_BOT_TOKEN": "xoxb-very-secret-token", "REDIS_URL": "redis://:hunter2@redis:6379/0"})
    shown = repr(config.redacted())
    assert "very-secret" not in shown and "hunter2" not in shown


def test_bad_config_stops_serve_with_one_line(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "DEESCALATE_SUPERVISORS": "U1AA"}
    done = subprocess.run(
        [sys.executable, "-m", "handlers.cli", "serve"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "DEESCALATE_SUPERVISOR_CHANNEL" in lines[0] and "Traceback" not in done.stderr


def test_the_unattended_grace_defaults_to_three_minutes_and_zero_means_at_once() -> None:
    assert from_env(BASE).unattended_minutes == 3
    assert from_env({**BASE, "DEESCALATE_UNATTENDED_MINUTES": "0"}).unattended_minutes == 0
    assert from_env({**BASE, "DEESCALATE_UNATTENDED_MINUTES": "1440"}).unattended_minutes == 1440


def test_every_bad_value_is_listed_at_once() -> None:
    with pytest.raises(ConfigError) as caught:
        from_env({**BASE, "PORT": "eighty", "DEESCALATE_SUPERVISORS": "alice", "DEESCALATE_WHISPER_CAP": "0",
                  "DEESCALATE_SUPERVISOR_CHANNEL": "#leads"})
    named = [name for name, _ in caught.value.problems]
    assert sorted(named) == ["DEESCALATE_SUPERVISORS", "DEESCALATE_SUPERVISOR_CHANNEL", "DEESCALATE_WHISPER_CAP", "PORT"]
    # a value that is wrong is not also reported as missing
    assert not any("is missing" in problem for _, problem in caught.value.problems)
    assert str(caught.value).splitlines()[0].startswith(f"{named[0]}: ")


def test_serve_prints_every_configuration_error(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
           "SLACK_BOT_TOKEN": "xoxp-user", "PORT": "eighty", "DEESCALATE_SUPERVISORS": "U1AA"}
    done = subprocess.run([sys.executable, "-m", "handlers.cli", "serve", "--check"], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert lines[0] == "deescalate: 4 configuration errors:"
    assert {line.split(":")[0].strip() for line in lines[1:]} == {
        "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "DEESCALATE_SUPERVISOR_CHANNEL", "PORT"}
    assert "Traceback" not in done.stderr


def test_an_unknown_language_is_reported_under_its_own_name(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        from_env({**BASE, "DEESCALATE_LANGUAGE": "fr"})
    assert caught.value.variable == "DEESCALATE_LANGUAGE"
    assert "no phrasebook for 'fr'" in str(caught.value) and "en, es" in str(caught.value)
    (tmp_path / "fr").mkdir()  # a team folder that brings the language makes it valid
    assert from_env({**BASE, "DEESCALATE_LANGUAGE": "fr", "DEESCALATE_PHRASEBOOK": str(tmp_path)}).language == "fr"


def test_misspelled_settings_are_warned_about_with_the_closest_name() -> None:
    config = from_env({**BASE, "DEESCALATE_WHISPER_COOLDOWN": "30", "DEESCALATE_SUPERVISOR": "U1", "DEESCALATE_ZZZ": "1"})
    assert config.warnings == (
        "DEESCALATE_SUPERVISOR is not a deescalate setting and is ignored; did you mean DEESCALATE_SUPERVISORS?",
        "DEESCALATE_WHISPER_COOLDOWN is not a deescalate setting and is ignored; did you mean DEESCALATE_WHISPER_COOLDOWN_SECONDS?",
        "DEESCALATE_ZZZ is not a deescalate setting and is ignored",
    )
    assert config.whisper_cooldown_seconds == 120  # the typo changed nothing
    assert from_env(BASE).warnings == ()


def test_the_cli_prints_the_warning_and_carries_on(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).resolve().parent.parent), "DEESCALATE_LANGAUGE": "es"}
    (tmp_path / "t.jsonl").write_text('{"thread": "t", "user": "A", "role": "customer", "text": "hello", "ts": 1}\n')
    done = subprocess.run([sys.executable, "-m", "handlers.cli", "replay", "t.jsonl"], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "deescalate replay: warning: DEESCALATE_LANGAUGE is not a deescalate setting and is ignored; " \
        "did you mean DEESCALATE_LANGUAGE?" in done.stderr
