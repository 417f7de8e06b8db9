"""Configuration, read once from the environment (and a `.env` file) into one frozen object.

Nothing else in the project reads `os.environ`. Environment variables win over `.env`
(python-dotenv's default), so a deployment can always override a developer's file.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

DEFAULT_API_URL = "https://slack.com/api/"
DEFAULT_ROOT_CAUSES = (
    "billing error",
    "shipping delay",
    "product defect",
    "outage",
    "policy limit",
    "miscommunication",
    "other",
)

_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_GROUP_ID = re.compile(r"^S[A-Z0-9]{2,}$")
_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")


class ConfigError(ValueError):
    """A configuration value is missing or invalid; the message names the variable."""

    def __init__(self, variable: str, problem: str):
        super().__init__(f"{variable}: {problem}")
        self.variable = variable
        self.problem = problem


@dataclass(frozen=True)
class People:
    """A set of people named by user ids and/or one user group (resolved later through Slack)."""

    users: frozenset[str] = frozenset()
    group: str | None = None

    @property
    def empty(self) -> bool:
        return not self.users and self.group is None


@dataclass(frozen=True)
class Config:
    bot_token: str = ""
    signing_secret: str = ""
    app_token: str | None = None
    api_url: str = DEFAULT_API_URL
    host: str = "0.0.0.0"
    port: int = 3000
    redis_url: str | None = None
    supervisor_channel: str | None = None
    supervisors: People = People()
    support_channels: frozenset[str] = frozenset()  # empty = every channel the bot is in
    agents: People = People()  # empty = the thread's starter is the customer, others agents
    phrasebook: Path | None = None
    language: str = "en"
    whisper_cooldown_seconds: float = 120.0
    whisper_cap: int = 6
    whisper_budget: int = 3  # whispers per thread; plan suggestions stop one short (bot/whisper.py _planned)
    unattended_minutes: float = 3.0  # grace before "nobody has answered yet" reaches supervisors; 0 = at once
    handoff_sla_minutes: float = 5.0
    renotify_max: int = 3
    second_tier_channel: str | None = None
    followup_hours: float = 24.0
    root_causes: tuple[str, ...] = DEFAULT_ROOT_CAUSES
    thread_ttl_days: float = 14.0
    retention_days: float = 90.0
    timer_poll_seconds: float = 5.0
    log_level: str = "INFO"
    extra: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def socket_mode(self) -> bool:
        return self.app_token is not None

    def redacted(self) -> dict[str, object]:
        """The config as printable values, secrets masked (for logs and `--check`)."""
        shown: dict[str, object] = {}
        for name in self.__dataclass_fields__:
            if name == "extra":
                continue
            value = getattr(self, name)
            if name in {"bot_token", "signing_secret", "app_token"} and value:
                value = f"{str(value)[:5]}…(set)" if name != "signing_secret" and len(str(value)) > 12 else "(set)"
            elif name == "redis_url" and value:
                value = _mask_url_password(str(value))
            shown[name] = value
        return shown


def _mask_url_password(url: str) -> str:
    parsed = urlparse(url)
    if parsed.password:
        return url.replace(f":{parsed.password}@", ":***@")
    return url


def _text(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name)
    if value is None:
        return None
    value = value.strip()
    return value or None


def _number(env: Mapping[str, str], name: str, default: float, *, low: float, high: float) -> float:
    raw = _text(env, name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(name, f"must be a number, got {raw!r}") from None
    if not low <= value <= high:
        raise ConfigError(name, f"must be between {low:g} and {high:g}, got {raw}")
    return value


def _integer(env: Mapping[str, str], name: str, default: int, *, low: int, high: int) -> int:
    raw = _text(env, name)
    if raw is None:
        return default
    if not re.fullmatch(r"[+-]?\d+", raw):
        raise ConfigError(name, f"must be a whole number, got {raw!r}")
    value = int(raw)
    if not low <= value <= high:
        raise ConfigError(name, f"must be between {low} and {high}, got {value}")
    return value


def _people(env: Mapping[str, str], name: str) -> People:
    raw = _text(env, name)
    if raw is None:
        return People()
    users: set[str] = set()
    group: str | None = None
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        if _USER_ID.match(item):
            users.add(item)
        elif _GROUP_ID.match(item):
            if group is not None and group != item:
                raise ConfigError(name, f"names more than one user group ({group}, {item}); use at most one")
            group = item
        else:
            raise ConfigError(
                name, f"{item!r} is neither a user id (U…/W…) nor a user-group id (S…); use ids, not names"
            )
    return People(frozenset(users), group)


def _channel(env: Mapping[str, str], name: str) -> str | None:
    raw = _text(env, name)
    if raw is not None and not _CHANNEL_ID.match(raw):
        raise ConfigError(name, f"must be a channel id like C0123ABCD (not a #name), got {raw!r}")
    return raw


def _channels(env: Mapping[str, str], name: str) -> frozenset[str]:
    raw = _text(env, name)
    if raw is None:
        return frozenset()
    found = set()
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        if not _CHANNEL_ID.match(item):
            raise ConfigError(name, f"{item!r} is not a channel id like C0123ABCD (use ids, not #names)")
        found.add(item)
    return frozenset(found)


def _url(env: Mapping[str, str], name: str, default: str | None, schemes: tuple[str, ...]) -> str | None:
    raw = _text(env, name)
    if raw is None:
        return default
    parsed = urlparse(raw)
    if parsed.scheme not in schemes or not (parsed.netloc or parsed.path):
        raise ConfigError(name, f"must be a URL starting with {' or '.join(s + '://' for s in schemes)}")
    return raw


def from_env(env: Mapping[str, str], *, mode: str = "serve") -> Config:
    """Build the Config from a mapping of variables. `mode` is "serve" (Slack needed) or "offline"."""
    bot_token = _text(env, "SLACK_BOT_TOKEN") or ""
    signing_secret = _text(env, "SLACK_SIGNING_SECRET") or ""
    app_token = _text(env, "SLACK_APP_TOKEN")
    if mode == "serve":
        if not bot_token:
            raise ConfigError("SLACK_BOT_TOKEN", "is missing; copy the Bot User OAuth Token (xoxb-…) from the app's settings")
        if not bot_token.startswith("xoxb-"):
            raise ConfigError("SLACK_BOT_TOKEN", "must be a bot token starting with xoxb-")
        if app_token is not None and not app_token.startswith("xapp-"):
            raise ConfigError("SLACK_APP_TOKEN", "must be an app-level token starting with xapp- (or unset for HTTP mode)")
        if app_token is None and not signing_secret:
            raise ConfigError("SLACK_SIGNING_SECRET", "is missing; HTTP mode needs it to verify Slack's requests")

    api_url = _url(env, "SLACK_API_URL", DEFAULT_API_URL, ("https", "http")) or DEFAULT_API_URL
    if not api_url.endswith("/"):
        api_url += "/"

    supervisor_channel = _channel(env, "DEESCALATE_SUPERVISOR_CHANNEL")
    supervisors = _people(env, "DEESCALATE_SUPERVISORS")
    if mode == "serve":
        if supervisor_channel is None:
            raise ConfigError("DEESCALATE_SUPERVISOR_CHANNEL", "is missing; set the channel id where handoffs are posted")
        if supervisors.empty:
            raise ConfigError("DEESCALATE_SUPERVISORS", "is missing; list supervisor user ids and/or one user-group id")

    phrasebook = _text(env, "DEESCALATE_PHRASEBOOK")
    phrasebook_path = Path(phrasebook) if phrasebook else None
    if phrasebook_path is not None and not phrasebook_path.is_dir():
        raise ConfigError("DEESCALATE_PHRASEBOOK", f"folder {phrasebook} does not exist")

    language = (_text(env, "DEESCALATE_LANGUAGE") or "en").lower()
    if not re.fullmatch(r"[a-z]{2}(-[a-z]{2})?", language):
        raise ConfigError("DEESCALATE_LANGUAGE", f"must be a language code like en or es, got {language!r}")

    root_causes_raw = _text(env, "DEESCALATE_ROOT_CAUSES")
    root_causes = DEFAULT_ROOT_CAUSES
    if root_causes_raw is not None:
        root_causes = tuple(dict.fromkeys(p.strip() for p in root_causes_raw.split(",") if p.strip()))
        if not root_causes:
            raise ConfigError("DEESCALATE_ROOT_CAUSES", "must list at least one root cause, comma-separated")

    log_level = (_text(env, "LOG_LEVEL") or "INFO").upper()
    if log_level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
        raise ConfigError("LOG_LEVEL", f"must be DEBUG, INFO, WARNING or ERROR, got {log_level!r}")

    return Config(
        bot_token=bot_token,
        signing_secret=signing_secret,
        app_token=app_token,
        api_url=api_url,
        host=_text(env, "HOST") or "0.0.0.0",
        port=_integer(env, "PORT", 3000, low=0, high=65535),
        redis_url=_url(env, "REDIS_URL", None, ("redis", "rediss", "unix")),
        supervisor_channel=supervisor_channel,
        supervisors=supervisors,
        support_channels=_channels(env, "DEESCALATE_SUPPORT_CHANNELS"),
        agents=_people(env, "DEESCALATE_AGENTS"),
        phrasebook=phrasebook_path,
        language=language,
        whisper_cooldown_seconds=_number(env, "DEESCALATE_WHISPER_COOLDOWN_SECONDS", 120.0, low=0, high=86400),
        whisper_cap=_integer(env, "DEESCALATE_WHISPER_CAP", 6, low=1, high=100),
        whisper_budget=_integer(env, "DEESCALATE_WHISPER_BUDGET", 3, low=1, high=100),
        unattended_minutes=_number(env, "DEESCALATE_UNATTENDED_MINUTES", 3.0, low=0, high=1440),
        handoff_sla_minutes=_number(env, "DEESCALATE_HANDOFF_SLA_MINUTES", 5.0, low=0.001, high=1440),
        renotify_max=_integer(env, "DEESCALATE_RENOTIFY_MAX", 3, low=0, high=20),
        second_tier_channel=_channel(env, "DEESCALATE_SECOND_TIER_CHANNEL"),
        followup_hours=_number(env, "DEESCALATE_FOLLOWUP_HOURS", 24.0, low=0.0001, high=24 * 90),
        root_causes=root_causes,
        thread_ttl_days=_number(env, "DEESCALATE_THREAD_TTL_DAYS", 14.0, low=0.01, high=365),
        retention_days=_number(env, "DEESCALATE_RETENTION_DAYS", 90.0, low=1, high=3650),
        timer_poll_seconds=_number(env, "DEESCALATE_TIMER_POLL_SECONDS", 5.0, low=0.01, high=600),
        log_level=log_level,
    )


def load_config(*, mode: str = "serve", env_file: str | Path | None = ".env", environ: Mapping[str, str] | None = None) -> Config:
    """Read `.env` (if present) under the process environment, then validate; raises ConfigError."""
    merged: dict[str, str] = {}
    if env_file is not None and Path(env_file).is_file():
        from dotenv import dotenv_values

        merged.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    merged.update(os.environ if environ is None else environ)
    return from_env(merged, mode=mode)
