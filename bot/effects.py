"""Timers by name: the one codec for the members of the store's timer set.

A timer is a unique string (`kind|key…`) scored by its due time; claiming one with ZREM fires it exactly
once across replicas. Handoff timers are keyed by the handoff id (`sla|<id>|<attempt>`, `followup|<id>`),
thread timers by the thread (`recovery|<channel>|<root_ts>`, `unattended|<channel>|<root_ts>`). Every
place that builds or reads a timer name goes through here, so the two shapes are never confused.
"""

from __future__ import annotations

from dataclasses import dataclass

SLA, FOLLOWUP, RECOVERY, UNATTENDED = "sla", "followup", "recovery", "unattended"
HANDOFF_KINDS = frozenset({SLA, FOLLOWUP})
THREAD_KINDS = frozenset({RECOVERY, UNATTENDED})


@dataclass(frozen=True)
class Timer:
    """A parsed timer name: its kind and what it is about (a handoff, or a thread)."""

    kind: str
    handoff_id: str = ""
    attempt: int = 0
    channel: str = ""
    root_ts: str = ""

    @property
    def name(self) -> str:
        """The member string stored in the timer set."""
        if self.kind == SLA:
            return f"{SLA}|{self.handoff_id}|{self.attempt}"
        if self.kind in HANDOFF_KINDS:
            return f"{self.kind}|{self.handoff_id}"
        return f"{self.kind}|{self.channel}|{self.root_ts}"

    @property
    def thread(self) -> tuple[str, str] | None:
        """(channel, root_ts) for a thread timer; None for a handoff timer."""
        return (self.channel, self.root_ts) if self.kind in THREAD_KINDS and self.channel and self.root_ts else None


def sla(handoff_id: str, attempt: int) -> str:
    return Timer(SLA, handoff_id=handoff_id, attempt=attempt).name


def followup(handoff_id: str) -> str:
    return Timer(FOLLOWUP, handoff_id=handoff_id).name


def recovery(channel: str, root_ts: str) -> str:
    return Timer(RECOVERY, channel=channel, root_ts=root_ts).name


def unattended(channel: str, root_ts: str) -> str:
    return Timer(UNATTENDED, channel=channel, root_ts=root_ts).name


def parse(name: str) -> Timer:
    """The Timer a stored name stands for; an unknown kind keeps its kind and nothing else."""
    kind, _, rest = name.partition("|")
    if kind in THREAD_KINDS:
        channel, _, root_ts = rest.partition("|")
        return Timer(kind, channel=channel, root_ts=root_ts)
    handoff_id, _, attempt = rest.partition("|")
    if kind in HANDOFF_KINDS:
        return Timer(kind, handoff_id=handoff_id, attempt=int(attempt) if attempt.isdigit() else 0)
    return Timer(kind)
