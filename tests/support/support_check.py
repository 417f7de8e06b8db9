"""A labelled support-chat fixture replayed through the detector, and the held-out checks both languages assert.

Each fixture line is {"thread", "text", "label", "split"}: "dev" lines tuned the cues, "check" lines never did.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from bot.detector import ThreadTension, observe
from bot.vocabulary import LEVELS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

Read = tuple[dict, str, float]  # a fixture row, the level and the tension the detector gave it in its thread


def gap(label: str, level: str) -> int:
    return abs(LEVELS.index(label) - LEVELS.index(level))


@dataclass
class SupportCheck:
    name: str  # the fixture's file name under tests/fixtures
    language: str = "en"
    rows: list[dict] = field(init=False)
    read: list[Read] = field(init=False)

    def __post_init__(self) -> None:
        with open(FIXTURES / self.name, encoding="utf-8") as f:
            self.rows = [json.loads(line) for line in f if line.strip()]
        states: dict[str, ThreadTension] = {}
        self.read = []
        for row in self.rows:
            reading, states[row["thread"]] = observe(states.get(row["thread"]), row["text"], language=self.language)
            self.read.append((row, reading.level, reading.tension))

    def half(self, split: str) -> list[Read]:
        return [r for r in self.read if r[0]["split"] == split]

    def assert_split_by_thread(self, at_least: int) -> None:
        """Big enough, every level in both halves, no thread straddling them, no line twice."""
        assert len(self.rows) >= at_least
        assert {r["label"] for r in self.rows} == set(LEVELS)
        assert {r["split"] for r in self.rows} == {"dev", "check"}
        halves: dict[str, set[str]] = {}
        for r in self.rows:
            halves.setdefault(r["thread"], set()).add(r["split"])
        assert all(len(s) == 1 for s in halves.values()), "a thread must not straddle dev and check"
        for split in ("dev", "check"):
            labels = [r["label"] for r in self.rows if r["split"] == split]
            assert all(labels.count(level) >= 6 for level in LEVELS), split
        assert len({r["text"] for r in self.rows}) == len(self.rows)

    def within_one(self, split: str) -> tuple[float, list[tuple[str, str, str]]]:
        """The share read within one level of its label, and the misses (label, level read, text)."""
        lines = self.half(split)
        near = sum(gap(row["label"], level) <= 1 for row, level, _ in lines) / len(lines)
        return near, [(row["label"], level, row["text"]) for row, level, _ in lines if gap(row["label"], level) > 1]

    def exact(self, split: str) -> float:
        lines = self.half(split)
        return sum(row["label"] == level for row, level, _ in lines) / len(lines)

    def gross_errors(self, split: str) -> list[tuple[str, str, str]]:
        """Calm lines read tense or heated, heated lines read calm."""
        return [
            (row["label"], level, row["text"])
            for row, level, _ in self.half(split)
            if (row["label"] == "calm" and LEVELS.index(level) >= 2) or (row["label"] == "heated" and level == "calm")
        ]

    def mean_tension_by_label(self, split: str) -> list[float]:
        lines = self.half(split)
        means = []
        for label in LEVELS:
            values = [t for row, _, t in lines if row["label"] == label]
            means.append(sum(values) / len(values))
        return means
