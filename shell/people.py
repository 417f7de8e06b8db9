"""Who is in a Slack user group: one cached lookup shared by every listener (agents and supervisors alike).

usergroups.users.list is rate-limited (tier 2) and membership changes rarely, so a group is asked of
Slack at most once per GROUP_CACHE_SECONDS across replicas (the store's cache) and kept in this process
as long (no Redis trip per message). A burst of first lookups waits for one call. When Slack fails, the
answer is "nobody" for RETRY_SECONDS: refuse now, ask again soon, and never cache the failure in Redis.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

GROUP_CACHE_SECONDS = 600
RETRY_SECONDS = 60


class People:
    """Resolved user groups for one runtime."""

    def __init__(self, store: Any, gateway: Any, clock: Callable[[], float]):
        self.store, self.gateway, self.clock = store, gateway, clock
        self._memo: dict[str, tuple[float, frozenset[str] | None]] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def members(self, group: str) -> frozenset[str] | None:
        """The group's members; None when Slack could not say (retried after RETRY_SECONDS)."""
        hit = self._fresh(group)
        if hit is not None:
            return hit[1]
        async with self._locks.setdefault(group, asyncio.Lock()):
            hit = self._fresh(group)
            if hit is not None:
                return hit[1]
            return await self._look_up(group)

    async def is_in(self, user: str, users: frozenset[str] | tuple[str, ...], group: str | None) -> bool:
        """A user named in `users`, or a member of `group`."""
        if user in users:
            return True
        return bool(group) and user in (await self.members(str(group)) or ())

    def _fresh(self, group: str) -> tuple[float, frozenset[str] | None] | None:
        memo = self._memo.get(group)
        return memo if memo is not None and memo[0] > self.clock() else None

    async def _look_up(self, group: str) -> frozenset[str] | None:
        now = self.clock()
        name = f"usergroup:{group}"
        cached = await self.store.cached(name)
        if cached is not None:
            members: frozenset[str] | None = frozenset(cached)
        else:
            found = await self.gateway.usergroup_members(group)
            members = None if found is None else frozenset(found)
            if members is not None:
                await self.store.cache(name, sorted(members), GROUP_CACHE_SECONDS)
        self._memo[group] = (now + (GROUP_CACHE_SECONDS if members is not None else RETRY_SECONDS), members)
        return members
