"""Recognising the boundary an agent set, in the phrasebook's words or their own, and the [[cue]] data behind it."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest

from phrasebook import KINDS, boundary_step_used, check_phrasebook, fill, load_phrasebook, main_check

EN = load_phrasebook()
ES = load_phrasebook(language="es")

# Agents' own words for each step (none of them is a phrasebook sentence).
OWN_WORDS = {
    1: [
        "I want to help you sort this out, and I'll need us to keep the conversation respectful to do that.",
        "Please don't swear at me, I'm doing my best to get this fixed.",
        "Riley, please stop calling me names. I'm on it.",
        "Let's try to keep this civil, I'm working on your refund right now.",
        "I’d ask you to treat me with respect while I look into it.",  # a curly apostrophe, as phones type it
    ],
    2: [
        "If this continues I'll have to close the chat.",
        "This is my last warning: one more comment like that and we're done here.",
        "I'm asking one final time. If the name-calling keeps going, I will need to end this conversation.",
        "Any more insults and I'll stop the chat here.",
    ],
    3: [
        "I'm going to end this chat now and follow up by email.",
        "I’m closing this conversation now; we'll follow up in writing.",
        "I'm ending this chat now. If you need anything else, reply to our email.",
        "We'll continue your case in writing from here.",
    ],
}

EVERYDAY = [
    "I'll follow up by email with the tracking number.",
    "Thanks for waiting, I'll keep it short.",
    "Let me keep things moving: your refund is on its way.",
    "Hi Riley, I'm sorry about the double charge. Let me look at your invoices now.",
    "If the parcel doesn't arrive by Friday, I'll send a replacement.",
    "I'm closing the ticket for the password reset since the link worked.",
    "Please don't worry, the charge will be reversed.",
]


@pytest.mark.parametrize("step", [1, 2, 3])
def test_an_agents_own_words_are_recognised_as_their_step(step):
    for text in OWN_WORDS[step]:
        assert boundary_step_used(EN, text) == step, text


def test_every_boundary_phrasing_is_recognised_as_its_own_step_and_no_other_phrasing_is():
    for book in (EN, ES):
        for phrase in book.phrases("boundary"):
            assert boundary_step_used(book, fill(phrase.text, "Dana", "the refund", "by Friday")) == phrase.step, phrase.id
        others = [p.id for k in KINDS if k != "boundary" for p in book.phrases(k) if boundary_step_used(book, fill(p.text))]
        assert others == [], f"{book.language}: everyday phrasings read as boundaries: {others}"


def test_everyday_support_talk_is_not_a_boundary():
    assert [t for t in EVERYDAY if boundary_step_used(EN, t) is not None] == []


def test_a_warning_that_names_the_ending_is_still_a_warning():
    # "end the chat" appears, but only as what happens *if* it goes on.
    assert boundary_step_used(EN, "If it continues, I'll end the conversation here and follow up by email.") == 2
    assert boundary_step_used(EN, "Final warning: I'm going to close this chat if that happens again.") == 2


def test_a_message_setting_two_steps_counts_as_the_higher():
    text = "Please keep this respectful. If the insults continue, I'll have to end the chat."
    assert boundary_step_used(EN, text) == 2


def test_spanish_own_words():
    assert boundary_step_used(ES, "Por favor, no me insulte; estoy revisando su factura.") == 1
    assert boundary_step_used(ES, "Si esto sigue, tendré que cerrar el chat.") == 2
    assert boundary_step_used(ES, "Termino aquí la conversación y le escribo por correo.") == 3
    assert boundary_step_used(ES, "Le escribo por correo con el número de seguimiento.") is None


def test_each_step_has_enough_phrasings_to_whisper_twice_without_repeating():
    for book, minimum in ((EN, 6), (ES, 2)):
        for step in (1, 2, 3):
            phrases = [p for p in book.phrases("boundary") if p.step == step]
            assert len(phrases) >= minimum, (book.language, step)
            assert {p.register for p in phrases} == {"warm", "formal"}, (book.language, step)
    out = io.StringIO()
    assert main_check([], out) == 0, out.getvalue()


def test_recognition_is_cheap_on_the_message_path():
    # It runs on every agent reply; the word sets are built once per book, not per call.
    text = "I understand how frustrating a second charge is. I can see it and I'm starting the refund now."
    boundary_step_used(EN, text)
    started = time.perf_counter()
    for _ in range(2000):
        boundary_step_used(EN, text)
    assert (time.perf_counter() - started) / 2000 < 0.0005


def write(folder: Path, name: str, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(body, encoding="utf-8")
    return path


CUE_MISTAKES = [
    ("bad regex", "[[cue]]\nid = \"cue.x\"\nstep = 1\npatterns = ['(unclosed']\n", "cue.x", "invalid pattern '(unclosed'"),
    ("bad unless", "[[cue]]\nid = \"cue.x\"\nstep = 3\npatterns = ['bye']\nunless = ['[a-']\n", "cue.x", "invalid pattern '[a-'"),
    ("matches everything", "[[cue]]\nid = \"cue.x\"\nstep = 1\npatterns = ['.*']\n", "cue.x", "matches empty text"),
    ("no step", "[[cue]]\nid = \"cue.x\"\npatterns = ['stop that']\n", "cue.x", "boundary cue needs step"),
    ("step out of range", "[[cue]]\nid = \"cue.x\"\nstep = 5\npatterns = ['stop that']\n", "cue.x", "step must be 1"),
    ("no patterns", "[[cue]]\nid = \"cue.x\"\nstep = 2\n", "cue.x", "boundary cue needs patterns"),
    ("unknown field", "[[cue]]\nid = \"cue.x\"\nstep = 2\npatterns = ['a b']\nunles = ['c']\n", "cue.x", "unknown field 'unles' (did you mean 'unless'?)"),
    ("missing id", "[[cue]]\nstep = 2\npatterns = ['a b']\n", "cue 1", "missing or invalid id"),
]


@pytest.mark.parametrize("name,body,entry,reason", CUE_MISTAKES, ids=[c[0] for c in CUE_MISTAKES])
def test_a_broken_cue_is_a_problem_naming_file_and_entry(tmp_path, name, body, entry, reason):
    path = write(tmp_path, "boundary.toml", body)
    problems = check_phrasebook(tmp_path)
    assert any(p.file == str(path) and p.entry == entry and reason in p.reason for p in problems), [str(p) for p in problems]
    out = io.StringIO()
    assert main_check([str(tmp_path), "--language", "en"], out) == 1
    assert f"{path}: {entry}: " in out.getvalue()


def test_cues_belong_in_boundary_toml_only(tmp_path):
    path = write(tmp_path, "empathy.toml", "[[cue]]\nid = \"cue.x\"\nstep = 1\npatterns = ['calm']\n")
    problems = [str(p) for p in check_phrasebook(tmp_path)]
    assert f"{path}: unknown top-level key 'cue' (expected [[phrase]] tables)" in problems


def test_a_team_can_add_and_disable_cues_and_gets_its_own_index(tmp_path):
    write(
        tmp_path, "boundary.toml",
        "[[cue]]\nid = \"cue.team\"\nstep = 2\npatterns = ['''\\byellow card\\b''']\n"
        "[[cue]]\nid = \"cue.keep-respectful\"\ndisabled = true\n",
    )
    team = load_phrasebook(tmp_path)
    assert boundary_step_used(team, "That's a yellow card, Riley.") == 2
    assert boundary_step_used(EN, "That's a yellow card, Riley.") is None
    paraphrase = "Let's keep things civil, I'm on your refund."
    assert boundary_step_used(EN, paraphrase) == 1 and boundary_step_used(team, paraphrase) is None
