"""Prometheus metrics for one running bot (its own registry, so several apps can live in one process)."""

from __future__ import annotations

import platform
from dataclasses import dataclass, field
from importlib import metadata

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Info, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST


@dataclass
class Metrics:
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        r = self.registry
        self.events = Counter("deescalate_events_received", "Slack requests received, by kind", ["kind"], registry=r)
        self.duplicates = Counter("deescalate_duplicate_events", "Retried Slack events dropped by event_id", registry=r)
        self.whispers = Counter("deescalate_whispers_sent", "Whispers sent to agents, by suggestion kind", ["kind"], registry=r)
        self.nudges = Counter("deescalate_coach_nudges_sent", "Wording-coach nudges sent to agents", registry=r)
        self.alerts = Counter("deescalate_unattended_alerts_sent", "Alerts for tense threads with no agent", registry=r)
        self.handoffs = Counter("deescalate_handoffs_opened", "Handoffs posted to the supervisor channel", registry=r)
        self.handoff_events = Counter(
            "deescalate_handoff_transitions", "Handoff state changes, by new state", ["state"], registry=r
        )
        self.errors = Counter("deescalate_handler_errors", "Listener failures, by handler", ["handler"], registry=r)
        self.slack_errors = Counter(
            "deescalate_slack_errors", "Slack Web API calls that failed, by method and error", ["method", "error"], registry=r
        )
        self.store_errors = Counter("deescalate_store_errors", "Redis operations that failed", registry=r)
        self.latency = Histogram(
            "deescalate_handler_latency_seconds",
            "Time from a request's arrival to the end of its listener's work",
            ["handler"],
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
            registry=r,
        )
        self.store_up = Gauge("deescalate_store_up", "1 when the store answered the last health check (or start-up)", registry=r)
        self.slack_auth_up = Gauge(
            "deescalate_slack_auth_up", "1 when auth.test succeeded and Slack has refused the token on no call since", registry=r
        )
        self.build = Info("deescalate_build", "The running version of deescalate and of Python", registry=r)
        self.build.info({"version": version(), "python": platform.python_version()})

    def render(self) -> tuple[bytes, str]:
        return generate_latest(self.registry), CONTENT_TYPE_LATEST


def version() -> str:
    """deescalate's installed version (pyproject.toml), or "unknown" when run from a bare checkout."""
    try:
        return metadata.version("deescalate")
    except metadata.PackageNotFoundError:
        return "unknown"
