"""Spanish support chat: with the workspace language `es`, the detector reads Spanish as the English one reads English.

The fixture tests/fixtures/support_chat_es.jsonl holds Spanish customer messages we wrote ourselves
(no real people; Spain and Latin American usage, typos, order numbers, missing accents), some as
short threads, labelled with the same guide as tests/fixtures/support_chat.jsonl (see
tests/unit/test_detector_support.py): calm = a question, request or plain problem report; uneasy = one
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

from bot.detector import observe
from tests.support.support_check import SupportCheck

CHECK = SupportCheck("support_chat_es.jsonl", language="es")
ROWS = CHECK.rows


def test_fixture_is_large_varied_and_split_by_thread():
    CHECK.assert_split_by_thread(at_least=150)
    assert sum(len(s) > 1 for s in [[r for r in ROWS if r["thread"] == t] for t in {r["thread"] for r in ROWS}]) >= 10  # real threads


def test_check_half_reads_within_one_level():
    near, misses = CHECK.within_one("check")
    assert near >= 0.92, misses


def test_check_half_exact_level():
    assert CHECK.exact("check") >= 0.70


def test_check_half_never_reads_calm_as_tense_or_heated_as_calm():
    assert CHECK.gross_errors("check") == []


def test_check_half_tension_rises_with_the_label():
    means = CHECK.mean_tension_by_label("check")
    assert means == sorted(means) and len(set(means)) == len(means), means


def test_dev_half_still_fits_what_it_was_tuned_on():
    assert CHECK.within_one("dev")[0] >= 0.95


def test_the_fixture_read_with_the_english_cues_misses_what_spanish_catches():
    # The reason for the language seam: read as English, Spanish abuse and threats go unseen.
    heated = [r for r in ROWS if r["label"] == "heated"]
    as_english = sum(observe(None, r["text"])[0].level in ("tense", "heated") for r in heated)
    as_spanish = sum(observe(None, r["text"], language="es")[0].level in ("tense", "heated") for r in heated)
    assert as_spanish >= 0.9 * len(heated) > as_english
