"""Who the bot is in Slack: `auth.test` once at start-up, cached, and every auth failure seen since.

Bolt's single-workspace authorization calls `auth.test` before dispatching the first request, and
again before every request for as long as that call fails — with slack_sdk's retries, an ack held
for seconds while Slack's API is unreachable. Here the bot asks once at start-up and hands Bolt the
cached answer (its documented `authorize` hook), so no acknowledgement ever waits on the Web API.

Start-up: a token Slack rejects stops the bot (exit 2, one line naming SLACK_BOT_TOKEN); a Slack
that cannot be reached does not — the bot starts, reports not-ready on /readyz, and asks again in
the background until Slack answers. Meanwhile requests are authorized with the token and the
workspace each request names, and acknowledged as usual.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from dataclasses import dataclass
from typing import Any

from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.async_authorize import AsyncAuthorize

log = logging.getLogger("deescalate.slack")

# Web API errors that mean "this token will not work": seen on any call, readiness fails until a restart.
AUTH_FAILURES = frozenset({"invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive"})
START_TIMEOUT = 5.0  # one auth.test at start-up waits this long at most (a hanging Slack must not hold start)
RETRY_SECONDS = (1.0, 2.0, 5.0, 10.0, 30.0)  # background retries while Slack is unreachable; the last repeats


class SlackAuthRejected(Exception):
    """Slack refused the bot token (invalid_auth, token_revoked, account_inactive…)."""

    def __init__(self, error: str):
        super().__init__(error)
        self.error = error

    def __str__(self) -> str:
        return f"SLACK_BOT_TOKEN: Slack refused the token ({self.error}); copy the Bot User OAuth Token (xoxb-…) again from the app's settings"


@dataclass(frozen=True)
class Identity:
    """The bot as auth.test names it."""

    team_id: str | None
    team: str | None
    bot_user_id: str | None
    bot_id: str | None
    enterprise_id: str | None = None


class SlackAuth(AsyncAuthorize):
    """The cached authorization (Bolt's `authorize`), and what Slack said about the token since start-up."""

    def __init__(self, token: str):
        super().__init__()
        self.token = token
        self.identity: Identity | None = None
        self.failure: str | None = None  # the first auth failure seen since start (sticky: a dead token stays dead)
        self.unreachable: str | None = None  # why the last auth.test could not get an answer
        self._result: AuthorizeResult | None = None

    @property
    def state(self) -> str:
        """"ok", "unverified" (Slack not reached yet) or the auth error Slack gave (e.g. "token_revoked")."""
        if self.failure is not None:
            return self.failure
        return "ok" if self.identity is not None else "unverified"

    @property
    def ok(self) -> bool:
        return self.state == "ok"

    def saw_error(self, error: str) -> None:
        """A Web API call failed with `error`; remember it when it says the token is no good."""
        if error in AUTH_FAILURES and self.failure is None:
            self.failure = error
            log.error("Slack refused the bot token (%s): check SLACK_BOT_TOKEN; /readyz reports not ready", error)

    def verified(self, data: dict[str, Any]) -> Identity:
        self.identity = Identity(
            team_id=data.get("team_id"), team=data.get("team"), bot_user_id=data.get("user_id"),
            bot_id=data.get("bot_id"), enterprise_id=data.get("enterprise_id"),
        )
        self.unreachable = None
        self._result = AuthorizeResult.from_auth_test_response(bot_token=self.token, auth_test_response=data)
        return self.identity

    async def check(self, gateway: Any, timeout: float | None = None) -> Identity | None:
        """One auth.test: the identity, None when Slack could not be reached; raises SlackAuthRejected."""
        sent = await gateway.auth_test(START_TIMEOUT if timeout is None else timeout)
        if sent.ok:
            return self.verified(sent.data)
        if sent.error in AUTH_FAILURES:
            self.failure = str(sent.error)
            raise SlackAuthRejected(self.failure)
        self.unreachable = sent.error or "no answer"
        return None

    async def __call__(self, *, context: Any, enterprise_id: str | None, team_id: str | None, user_id: str | None, **_: Any) -> AuthorizeResult:
        """Bolt's `authorize` hook: the cached answer, never a network call."""
        if self._result is not None:
            return self._result
        # Not verified yet (Slack was unreachable at start-up): the workspace the request names, our
        # token. The bot user is unknown until auth.test answers; handlers/events.py still recognises
        # the bot's own posts from what Slack puts in each event (authorizations, api_app_id).
        return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, bot_token=self.token)


async def keep_checking(runtime: Any) -> None:
    """Background loop while Slack was unreachable at start-up: ask again until it answers."""
    auth: SlackAuth = runtime.auth
    for attempt in itertools.count():
        if auth.identity is not None or auth.failure is not None:
            return
        await asyncio.sleep(RETRY_SECONDS[min(attempt, len(RETRY_SECONDS) - 1)])
        try:
            identity = await auth.check(runtime.gateway)
        except SlackAuthRejected as exc:
            log.error("%s; /readyz reports not ready until a restart with a working token", exc)
            return
        if identity is not None:
            log.info("Slack reached: authorized as %s in %s", identity.bot_user_id, identity.team_id)
