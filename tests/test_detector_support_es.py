"""Spanish support chat: with the workspace language `es`, the detector reads Spanish as the English one reads English.

The fixture tests/fixtures/support_chat_es.jsonl holds Spanish customer messages we wrote ourselves
(no real people; Spain and Latin American usage, typos, order numbers, missing accents), some as
short threads, labelled with the same guide as tests/fixtures/support_chat.jsonl (see
tests/test_detector_support.py): calm = a question, request or plain problem report; uneasy = one
warning sign said without hostility; tense = two or more signs, or one strong one (inaceptable,
sarcasm, an ultimatum, shouting, a supervisor demand, a public-review threat); heated = swearing with
anger, insults, contempt, legal threats in anger, threats and hate.

Split: "dev" lines were used to tune the Spanish cues (bot/detector_lexicon_es.py) and the two Spanish
gains; "check" lines were never used for tuning and are the ones asserted on here (whole threads stay
in one half). Labels were written before the first run; after it two dev labels were corrected to the
guide (delay + repeat contact in one message is two signs: tense).
Measured when written: cues as first written, before any tuning: dev 67% exact / 96% within one,
check 73% / 95%. After tuning on dev: dev 93% / 100%; check 75% exact / 95% within one (79 of 83),
no calm line read tense or heated, no heated line read calm. The four check misses are tense lines
read calm: contempt or a demand with no cue word ("Pago el plan premium y me tratáis así. Increíble.",
"Necesito que me enviéis otro hoy, no una investigación de dos semanas.").
"""

from __future__ import annotations

import json
from pathlib import Path

from bot.detector import ThreadTension, observe
from bot.vocabulary import LEVELS

FIXTURE = Path(__file__).parent / "fixtures" / "support_chat_es.jsonl"


def _rows() -> list[dict]:
    with open(FIXTURE, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _replay(rows: list[dict]) -> list[tuple[dict, str, float]]:
    states: dict[str, ThreadTension] = {}
    out = []
    for row in rows:
        reading, states[row["thread"]] = observe(states.get(row["thread"]), row["text"], language="es")
        out.append((row, reading.level, reading.tension))
    return out


ROWS = _rows()
READ = _replay(ROWS)


def _half(split: str) -> list[tuple[dict, str, float]]:
    return [r for r in READ if r[0]["split"] == split]


def _gap(label: str, level: str) -> int:
    return abs(LEVELS.index(label) - LEVELS.index(level))


def test_fixture_is_large_varied_and_split_by_thread():
    assert len(ROWS) >= 150
    assert {r["label"] for r in ROWS} == set(LEVELS)
    assert {r["split"] for r in ROWS} == {"dev", "check"}
    halves: dict[str, set[str]] = {}
    for r in ROWS:
        halves.setdefault(r["thread"], set()).add(r["split"])
    assert all(len(s) == 1 for s in halves.values()), "a thread must not straddle dev and check"
    for split in ("dev", "check"):
        labels = [r["label"] for r in ROWS if r["split"] == split]
        assert all(labels.count(level) >= 6 for level in LEVELS), split
    assert len({r["text"] for r in ROWS}) == len(ROWS)
    assert sum(len(s) > 1 for s in [[r for r in ROWS if r["thread"] == t] for t in halves]) >= 10  # real threads


def test_check_half_reads_within_one_level():
    check = _half("check")
    near = sum(_gap(row["label"], level) <= 1 for row, level, _ in check) / len(check)
    misses = [(row["label"], level, row["text"]) for row, level, _ in check if _gap(row["label"], level) > 1]
    assert near >= 0.92, misses


def test_check_half_exact_level():
    check = _half("check")
    assert sum(row["label"] == level for row, level, _ in check) / len(check) >= 0.70


def test_check_half_never_reads_calm_as_tense_or_heated_as_calm():
    gross = [
        (row["label"], level, row["text"])
        for row, level, _ in _half("check")
        if (row["label"] == "calm" and LEVELS.index(level) >= 2) or (row["label"] == "heated" and level == "calm")
    ]
    assert gross == []


def test_check_half_tension_rises_with_the_label():
    check = _half("check")
    means = []
    for label in LEVELS:
        values = [t for row, _, t in check if row["label"] == label]
        means.append(sum(values) / len(values))
    assert means == sorted(means) and len(set(means)) == len(means), means


def test_dev_half_still_fits_what_it_was_tuned_on():
    dev = _half("dev")
    assert sum(_gap(row["label"], level) <= 1 for row, level, _ in dev) / len(dev) >= 0.95


def test_the_fixture_read_with_the_english_cues_misses_what_spanish_catches():
    # The reason for the language seam: read as English, Spanish abuse and threats go unseen.
    heated = [r for r in ROWS if r["label"] == "heated"]
    as_english = sum(observe(None, r["text"])[0].level in ("tense", "heated") for r in heated)
    as_spanish = sum(observe(None, r["text"], language="es")[0].level in ("tense", "heated") for r in heated)
    assert as_spanish >= 0.9 * len(heated) > as_english
