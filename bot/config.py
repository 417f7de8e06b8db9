"""Configuration, read once from the environment (and a `.env` file) into one frozen object.

Nothing else in the project reads `os.environ`. Environment variables win over `.env`
(python-dotenv's default), so a deployment can always override a developer's file.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
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
    """Configuration values are missing or invalid; the message names each variable, one per line."""

    def __init__(self, variable: str, problem: str, *, more: tuple["ConfigError", ...] = ()):
        self.variable = variable
        self.problem = problem
        self.problems: tuple[tuple[str, str], ...] = ((variable, problem),) + tuple(p for e in more for p in e.problems)
        super().__init__("\n".join(f"{name}: {what}" for name, what in self.problems))

    @classmethod
    def of(cls, errors: list["ConfigError"]) -> "ConfigError":
        """One error listing every problem found (the first one's variable is `variable`)."""
        first, *rest = errors
        return cls(first.variable, first.problem, more=tuple(rest)) if rest else first


# While from_env runs, bad values are collected here instead of raised, so one run names them all.
_found: ContextVar[list[ConfigError] | None] = ContextVar("deescalate_config_found", default=None)


def _invalid(error: ConfigError, fallback: Any = None) -> Any:
    """Report a bad value: noted while from_env collects (then `fallback` stands in), raised otherwise."""
    found = _found.get()
    if found is None:
        raise error
    found.append(error)
    return fallback


@dataclass(frozen=True)
class People:
    """A set of people named by user ids and/or one user group (resolved later through Slack)."""

    users: frozenset[str] = frozenset()
    group: str | None = None

    @property
    def empty(self) -> bool:
        return not self.users and self.group is None


@dataclass(frozen=True)
class CustomerBot:
    """A helpdesk bot or app whose posts are a customer speaking (DEESCALATE_CUSTOMER_BOTS)."""

    id: str  # bot id (B…) or app id (A…)
    pattern: re.Pattern[str] | None = None  # finds the customer's name: (?P<name>…); posts it misses are not the customer

    def __str__(self) -> str:
        return self.id if self.pattern is None else f"{self.id}:{self.pattern.pattern}"


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
    whisper_budget: int = 3  # whispers per thread: the plan suggests at most budget - 1 (1 = urgent moments only)
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
    # -- operations and helpdesk bots (issue 14) --
    customer_bots: tuple[CustomerBot, ...] = ()
    log_format: str = "text"  # "text" | "json"
    extra: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)
    # "DEESCALATE_X is not a setting; did you mean …" lines, for the CLI to print (a typo is not fatal).
    warnings: tuple[str, ...] = field(default=(), compare=False, repr=False)

    @property
    def socket_mode(self) -> bool:
        return self.app_token is not None

    def redacted(self) -> dict[str, object]:
        """The config as printable values, secrets masked (for logs and `--check`)."""
        shown: dict[str, object] = {}
        for name in self.__dataclass_fields__:
            if name in ("extra", "warnings"):
                continue
            value = getattr(self, name)
            if name in {"bot_token", "signing_secret", "app_token"} and value:
                value = f"{str(value)[:5]}…(set)" if name != "signing_secret" and len(str(value)) > 12 else "(set)"
            elif name == "redis_url" and value:
                value = _mask_url_password(str(value))
            elif name == "customer_bots":
                value = tuple(str(bot) for bot in value)
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
        return _invalid(ConfigError(name, f"must be a number, got {raw!r}"), default)
    if not low <= value <= high:
        return _invalid(ConfigError(name, f"must be between {low:g} and {high:g}, got {raw}"), default)
    return value


def _integer(env: Mapping[str, str], name: str, default: int, *, low: int, high: int) -> int:
    raw = _text(env, name)
    if raw is None:
        return default
    if not re.fullmatch(r"[+-]?\d+", raw):
        return _invalid(ConfigError(name, f"must be a whole number, got {raw!r}"), default)
    value = int(raw)
    if not low <= value <= high:
        return _invalid(ConfigError(name, f"must be between {low} and {high}, got {value}"), default)
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
                return _invalid(ConfigError(name, f"names more than one user group ({group}, {item}); use at most one"), People())
            group = item
        else:
            return _invalid(ConfigError(
                name, f"{item!r} is neither a user id (U…/W…) nor a user-group id (S…); use ids, not names"
            ), People())
    return People(frozenset(users), group)


def _channel(env: Mapping[str, str], name: str) -> str | None:
    raw = _text(env, name)
    if raw is not None and not _CHANNEL_ID.match(raw):
        return _invalid(ConfigError(name, f"must be a channel id like C0123ABCD (not a #name), got {raw!r}"))
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
            return _invalid(ConfigError(name, f"{item!r} is not a channel id like C0123ABCD (use ids, not #names)"), frozenset())
        found.add(item)
    return frozenset(found)


def _url(env: Mapping[str, str], name: str, default: str | None, schemes: tuple[str, ...]) -> str | None:
    raw = _text(env, name)
    if raw is None:
        return default
    parsed = urlparse(raw)
    if parsed.scheme not in schemes or not (parsed.netloc or parsed.path):
        return _invalid(ConfigError(name, f"must be a URL starting with {' or '.join(s + '://' for s in schemes)}"), default)
    return raw


_BOT_ID = re.compile(r"\s*([AB][A-Z0-9]+)\s*(?::(.*))?", re.DOTALL)


def _customer_bots(env: Mapping[str, str], name: str) -> tuple[CustomerBot, ...]:
    """`B123, A456:^\\*(?P<name>[^*]+)\\*:` — ids, each optionally with a pattern after a colon.

    Entries are separated by commas; a comma not followed by another id belongs to the pattern before it.
    """
    raw = _text(env, name)
    if raw is None:
        return ()
    entries: list[list[str | None]] = []
    for part in raw.split(","):
        found = _BOT_ID.fullmatch(part)
        if found:
            entries.append([found.group(1), found.group(2)])
        elif entries and entries[-1][1] is not None:
            entries[-1][1] = f"{entries[-1][1]},{part}"  # a comma inside the previous pattern
        elif part.strip():
            return _invalid(ConfigError(name, f"{part.strip()!r} is not a bot id (B…) or app id (A…); write ID or ID:PATTERN, comma-separated"), ())
    bots: dict[str, CustomerBot] = {}
    for bot_id, source in entries:
        assert bot_id is not None
        pattern = None
        if source is not None and source.strip():
            try:
                pattern = re.compile(source.strip())
            except re.error as exc:
                return _invalid(ConfigError(name, f"the pattern for {bot_id} is not a valid regular expression ({exc}): {source.strip()!r}"), ())
            if "name" not in pattern.groupindex:
                return _invalid(ConfigError(name, f"the pattern for {bot_id} needs a (?P<name>…) group that captures the customer's name"), ())
        if bot_id in bots:
            return _invalid(ConfigError(name, f"{bot_id} is listed twice"), ())
        bots[bot_id] = CustomerBot(bot_id, pattern)
    return tuple(bots.values())


def from_env(env: Mapping[str, str], *, mode: str = "serve") -> Config:
    """Build the Config from a mapping of variables. `mode` is "serve" (Slack needed) or "offline".

    Raises one ConfigError listing every bad value; unknown DEESCALATE_* names become `warnings`."""
    reading = _Reading(env)
    found: list[ConfigError] = []
    token = _found.set(found)
    try:
        config = _from_env(reading, mode=mode)
    except ConfigError as exc:  # a check that stops at once: report it after the ones already noted
        found.append(exc)
    finally:
        _found.reset(token)
    if found:
        raise ConfigError.of(found)
    return _replace_warnings(config, _unknown_names(env, reading.read))


class _Reading(Mapping[str, str]):
    """The variables, remembering which names were looked up (so every setting read is a known name)."""

    def __init__(self, env: Mapping[str, str]):
        self._env = env
        self.read: set[str] = set()

    def __getitem__(self, name: str) -> str:
        self.read.add(name)
        return self._env[name]

    def __contains__(self, name: object) -> bool:
        if isinstance(name, str):
            self.read.add(name)
        return name in self._env

    def __iter__(self) -> Iterator[str]:
        return iter(self._env)

    def __len__(self) -> int:
        return len(self._env)


def _unknown_names(env: Mapping[str, str], known: set[str]) -> tuple[str, ...]:
    """A warning for each DEESCALATE_* variable nothing reads, with the closest real name."""
    prefix = "DEESCALATE_"
    # Compared without the shared prefix, which would make every name look close to every other.
    settings = sorted(n[len(prefix):] for n in known if n.startswith(prefix))
    lines = []
    for name in sorted(n for n in env if n.upper().startswith(prefix) and n not in known):
        close = difflib.get_close_matches(name.upper()[len(prefix):], settings, n=1, cutoff=0.6)
        hint = f"; did you mean {prefix}{close[0]}?" if close else ""
        lines.append(f"{name} is not a deescalate setting and is ignored{hint}")
    return tuple(lines)


def _replace_warnings(config: Config, warnings: tuple[str, ...]) -> Config:
    from dataclasses import replace

    return replace(config, warnings=warnings) if warnings else config


def _already(variable: str) -> bool:
    """True when a problem with `variable` was noted already (its fallback must not read as "missing")."""
    return any(error.variable == variable for error in _found.get() or ())


def _shipped() -> str:
    from phrasebook.loader import shipped_languages

    return ", ".join(shipped_languages())


def _language_available(language: str, phrasebook: Path | None) -> bool:
    """A shipped phrasebook language, or one the team folder brings as a `<language>/` subfolder."""
    from phrasebook.loader import shipped_languages

    return language in shipped_languages() or (phrasebook is not None and (phrasebook / language).is_dir())


def _from_env(env: Mapping[str, str], *, mode: str) -> Config:
    bot_token = _text(env, "SLACK_BOT_TOKEN") or ""
    signing_secret = _text(env, "SLACK_SIGNING_SECRET") or ""
    app_token = _text(env, "SLACK_APP_TOKEN")
    if mode == "serve":
        if not bot_token:
            _invalid(ConfigError("SLACK_BOT_TOKEN", "is missing; copy the Bot User OAuth Token (xoxb-…) from the app's settings"))
        elif not bot_token.startswith("xoxb-"):
            _invalid(ConfigError("SLACK_BOT_TOKEN", "must be a bot token starting with xoxb-"))
        if app_token is not None and not app_token.startswith("xapp-"):
            _invalid(ConfigError("SLACK_APP_TOKEN", "must be an app-level token starting with xapp- (or unset for HTTP mode)"))
        if app_token is None and not signing_secret:
            _invalid(ConfigError("SLACK_SIGNING_SECRET", "is missing; HTTP mode needs it to verify Slack's requests"))

    api_url = _url(env, "SLACK_API_URL", DEFAULT_API_URL, ("https", "http")) or DEFAULT_API_URL
    if not api_url.endswith("/"):
        api_url += "/"

    supervisor_channel = _channel(env, "DEESCALATE_SUPERVISOR_CHANNEL")
    supervisors = _people(env, "DEESCALATE_SUPERVISORS")
    if mode == "serve":
        if _text(env, "DEESCALATE_SUPERVISOR_CHANNEL") is None:
            _invalid(ConfigError("DEESCALATE_SUPERVISOR_CHANNEL", "is missing; set the channel id where handoffs are posted"))
        if supervisors.empty and not _already("DEESCALATE_SUPERVISORS"):
            _invalid(ConfigError("DEESCALATE_SUPERVISORS", "is missing; list supervisor user ids and/or one user-group id"))

    phrasebook = _text(env, "DEESCALATE_PHRASEBOOK")
    phrasebook_path = Path(phrasebook) if phrasebook else None
    if phrasebook_path is not None and not phrasebook_path.is_dir():
        phrasebook_path = _invalid(ConfigError("DEESCALATE_PHRASEBOOK", f"folder {phrasebook} does not exist"))

    language = (_text(env, "DEESCALATE_LANGUAGE") or "en").lower()
    if not re.fullmatch(r"[a-z]{2}(-[a-z]{2})?", language):
        _invalid(ConfigError("DEESCALATE_LANGUAGE", f"must be a language code like en or es, got {language!r}"))
    elif not _language_available(language, phrasebook_path):
        _invalid(ConfigError("DEESCALATE_LANGUAGE", f"no phrasebook for {language!r}: the package ships "
                             f"{_shipped()}; for another language, put a complete {language}/ folder in DEESCALATE_PHRASEBOOK"))

    root_causes_raw = _text(env, "DEESCALATE_ROOT_CAUSES")
    root_causes = DEFAULT_ROOT_CAUSES
    if root_causes_raw is not None:
        root_causes = tuple(dict.fromkeys(p.strip() for p in root_causes_raw.split(",") if p.strip()))
        if not root_causes:
            _invalid(ConfigError("DEESCALATE_ROOT_CAUSES", "must list at least one root cause, comma-separated"))

    log_level = (_text(env, "LOG_LEVEL") or "INFO").upper()
    if log_level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
        _invalid(ConfigError("LOG_LEVEL", f"must be DEBUG, INFO, WARNING or ERROR, got {log_level!r}"))

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
        # -- operations and helpdesk bots (issue 14) --
        customer_bots=_customer_bots(env, "DEESCALATE_CUSTOMER_BOTS"),
        log_format=_choice(env, "DEESCALATE_LOG_FORMAT", "text", ("text", "json")),
    )


def _choice(env: Mapping[str, str], name: str, default: str, choices: tuple[str, ...]) -> str:
    value = (_text(env, name) or default).lower()
    if value not in choices:
        return _invalid(ConfigError(name, f"must be {' or '.join(choices)}, got {value!r}"), default)
    return value



def load_config(*, mode: str = "serve", env_file: str | Path | None = ".env", environ: Mapping[str, str] | None = None) -> Config:
    """Read `.env` (if present) under the process environment, then validate; raises ConfigError."""
    merged: dict[str, str] = {}
    if env_file is not None and Path(env_file).is_file():
        from dotenv import dotenv_values

        merged.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    merged.update(os.environ if environ is None else environ)
    return from_env(merged, mode=mode)
