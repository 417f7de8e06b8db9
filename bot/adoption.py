"""Did a suggestion help? Whether the agent used it, and how the customer's tension moved after it.

Pure. The whisper path writes daily counters (shell/store.py `dx:stats:<day>`, written behind, so no
extra round trip); this module names them and turns them back into figures per kind and per phrase:

    offered_p:<phrase>                 a phrase shown in a whisper (per kind: whispers:<kind>)
    used:<kind> / used_p:<phrase>      the agent's next message used it (used:<kind> also counts own words)
    fb:<kind>:<verdict> / fbp:<phrase>:<verdict>   Helpful / Not helpful clicks
    dt:<kind>:<u|n>:<bucket> / dtp:<phrase>:<u|n>:<bucket>
                                       tension change on the customer's next message (bucket = change × 20,
                                       so medians are exact to 0.05), after a used (u) or unused (n) suggestion
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

BUCKET = 20  # tension change is counted in steps of 1/BUCKET
USED_SHARE = 0.5  # share of a phrase's content words (by stem) an agent's message must hold
USED_AT_LEAST = 3  # ... and never fewer than this many, unless the phrase has fewer

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_STOP = frozenset(
    "the a an and or but to of in on for with at by from it is are was be been this that these those "
    "i i'm i'll i've me my we we'll we're our you you're your yours they them their so if as not do "
    "does did have has had will would can could should may might just also there here what which who "
    "how when let get got one any all very really more most some about into out over than then now "
    "el la los las un una y o de del en con por para que es lo le les se su sus mi me te tu yo usted "
    "nos al muy más ya".split()
)


def stems(text: str) -> frozenset[str]:
    """Content words cut to five letters: "apologise"/"apologies"/"apologising" meet at "apolo"."""
    return frozenset(w[:5] for w in _WORD.findall(text.lower().replace("\u2019", "'")) if len(w) > 2 and w not in _STOP)


def phrase_used(phrases: Iterable[tuple[str, str]], text: str) -> str | None:
    """The id of the offered phrasing the agent's message uses, pasted or in their own words; None otherwise.

    `phrases` are (id, text as shown). "Uses" means the message holds at least half the phrase's
    content words (and at least three of them): rewording, trimming and adding are fine, a reply on
    another subject that shares a word or two is not.
    """
    said = stems(text)
    best: tuple[float, str] | None = None
    for pid, shown in phrases:
        words = stems(shown)
        if not words:
            continue
        shared = len(words & said)
        share = shared / len(words)
        if share >= USED_SHARE and shared >= min(USED_AT_LEAST, len(words)) and (best is None or share > best[0]):
            best = (share, pid)
    return best[1] if best else None


def bucket(change: float) -> int:
    return int(round(change * BUCKET))


def effect_counters(note: Mapping[str, Any], used: str | None, change: float) -> dict[str, int]:
    """Counters for one suggestion's effect: the customer's tension moved by `change` on their next message.

    `used`: the phrase id the agent used, "~" for the suggested step in their own words, None if unused.
    """
    b = bucket(change)
    out = {f"dt:{note.get('kind')}:{'u' if used else 'n'}:{b}": 1}
    for pid in note.get("ids", ()):
        out[f"dtp:{pid}:{'u' if used == pid else 'n'}:{b}"] = 1
    return out


def used_counters(kind: str, used: str | None) -> dict[str, int]:
    """`used`: the phrase id the agent's reply used, "~" for the suggested step in own words, None if unused."""
    if not used:
        return {}
    out = {f"used:{kind}": 1}
    if used != "~":
        out[f"used_p:{used}"] = 1
    return out


def offered_counters(ids: Sequence[str]) -> dict[str, int]:
    """Each phrase shown in a whisper (the kind's count is whispers:<kind>, written beside it)."""
    return {f"offered_p:{pid}": 1 for pid in ids}


def feedback_counters(note: Mapping[str, Any] | None, verdict: str) -> dict[str, int]:
    """Per kind and per phrase, a Helpful / Not helpful click on a whisper."""
    if not note:
        return {}
    out = {f"fb:{note.get('kind')}:{verdict}": 1}
    for pid in note.get("ids", ()):
        out[f"fbp:{pid}:{verdict}"] = 1
    return out


# ---- following up a thread's suggestions (the notes in Case.whispers) -------------------------------


def used_phrase(note: Mapping[str, Any]) -> str | None:
    """What the agent's reply after a whisper used: a phrase id, "~" (the step in own words), or None."""
    used = str(note.get("u", ""))
    if used.isdigit():
        ids = note.get("ids", ())
        return ids[int(used)] if int(used) < len(ids) else None
    return "~" if used == "~" else None


def judge(case: Any, text: str, moves: frozenset[str], book: Any) -> dict[str, int]:
    """An agent replied: mark every suggestion not yet followed up as used (pasted, reworded, or its step in
    own words) or not; returns the counters. Changes `case.whispers` (a copy the caller owns)."""
    from bot.plan import note_step
    from phrasebook import fill

    counters: dict[str, int] = {}
    for i, note in enumerate(case.whispers):
        if note.get("u") or "t" not in note:
            continue  # already followed up, or written before suggestions were
        ids = list(note.get("ids", ()))
        shown = [(pid, fill(phrase.text)) for pid in ids if (phrase := book.get(pid)) is not None]
        used = phrase_used(shown, text)
        step = note_step(note)
        own_words = used is None and step is not None and bool(step.done_by & moves)
        # "u": the index of the phrase used, "~" the suggested step in own words, "-" not used.
        case.whispers[i] = dict(note, u=str(ids.index(used)) if used else "~" if own_words else "-")
        for name, n in used_counters(str(note.get("kind")), used or ("~" if own_words else None)).items():
            counters[name] = counters.get(name, 0) + n
    return counters


def measure(case: Any, tension: float) -> dict[str, int]:
    """The customer spoke: every suggestion still waiting for its effect gets this message's tension change."""
    counters: dict[str, int] = {}
    for i, note in enumerate(case.whispers):
        if "t" in note and "dt" not in note:
            delta = round(tension - float(note["t"]), 2)
            case.whispers[i] = dict(note, dt=delta)
            for name, n in effect_counters(note, used_phrase(note), delta).items():
                counters[name] = counters.get(name, 0) + n
    return counters


# ---- figures ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Adoption:
    """One kind's or one phrase's record: offered, used, clicks, and the tension change after it."""

    name: str
    offered: int
    used: int
    helpful: int
    not_helpful: int
    change_used: float | None  # median tension change on the customer's next message after a used suggestion
    change_unused: float | None
    measured_used: int  # suggestions behind each median
    measured_unused: int

    @property
    def used_rate(self) -> float | None:
        return self.used / self.offered if self.offered else None


def adoption(totals: Mapping[str, int]) -> tuple[tuple[Adoption, ...], tuple[Adoption, ...]]:
    """(per kind, per phrase) from summed counters; most offered first."""
    kinds: dict[str, dict[str, Any]] = {}
    phrases: dict[str, dict[str, Any]] = {}

    def row(table: dict, name: str) -> dict[str, Any]:
        return table.setdefault(name, {"offered": 0, "used": 0, "helpful": 0, "not_helpful": 0, "u": {}, "n": {}})

    for key, value in totals.items():
        value = int(value)
        if value <= 0:
            continue
        head, _, rest = key.partition(":")
        if head == "whispers" and rest:
            row(kinds, rest)["offered"] += value
        elif head == "offered_p":
            row(phrases, rest)["offered"] += value
        elif head == "used":
            row(kinds, rest)["used"] += value
        elif head == "used_p":
            row(phrases, rest)["used"] += value
        elif head in ("fb", "fbp"):
            name, _, verdict = rest.rpartition(":")
            if verdict in ("helpful", "not_helpful") and name:
                row(kinds if head == "fb" else phrases, name)[verdict] += value
        elif head in ("dt", "dtp"):
            parts = rest.rsplit(":", 2)
            if len(parts) == 3 and parts[1] in ("u", "n"):
                try:
                    b = int(parts[2])
                except ValueError:
                    continue
                hist = row(kinds if head == "dt" else phrases, parts[0])[parts[1]]
                hist[b] = hist.get(b, 0) + value
    return _rows(kinds), _rows(phrases)


def _rows(table: dict[str, dict[str, Any]]) -> tuple[Adoption, ...]:
    out = [
        Adoption(
            name, r["offered"], r["used"], r["helpful"], r["not_helpful"],
            median_of(r["u"]), median_of(r["n"]), sum(r["u"].values()), sum(r["n"].values()),
        )
        for name, r in table.items()
    ]
    return tuple(sorted(out, key=lambda a: (-a.offered, a.name)))


def median_of(histogram: Mapping[int, int]) -> float | None:
    """The median of a bucketed histogram, in tension units."""
    values = [b for b, n in sorted(histogram.items()) for _ in range(n)]
    return round(statistics.median(values) / BUCKET, 3) if values else None


def change(value: float | None) -> str:
    """A tension change as a reader sees it: "−0.15", "+0.05", "0", "–" when unmeasured."""
    if value is None:
        return "–"
    if abs(value) < 1e-9:
        return "0"
    return f"{'+' if value > 0 else '−'}{abs(value):.2f}"


def kind_line(row: Adoption) -> str:
    """One kind's or phrase's figures in a line (Slack mrkdwn-safe: only our own words and numbers)."""
    rate = f"{row.used_rate * 100:.0f}%" if row.used_rate is not None else "–"
    return (
        f"offered {row.offered} · used {row.used} ({rate}) · {row.helpful} 👍 / {row.not_helpful} 👎 · "
        f"tension after: used {change(row.change_used)}, not used {change(row.change_unused)}"
    )


def row_dict(row: Adoption) -> dict[str, Any]:
    from dataclasses import asdict

    rate = row.used_rate
    return {**asdict(row), "used_rate": round(rate, 3) if rate is not None else None}


def phrase_lines(rows: Sequence[Adoption], limit: int = 5) -> list[str]:
    """The most used phrases first (then the most offered), one short line each: `id` used/offered, tension after."""
    ranked = sorted(rows, key=lambda a: (-a.used, -a.offered, a.name))[:limit]
    return [
        f"`{a.name}` used {a.used}/{a.offered} · tension after used {change(a.change_used)}, not used {change(a.change_unused)}"
        for a in ranked
    ]
