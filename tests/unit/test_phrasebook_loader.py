"""Loading and checking phrasebooks: the default passes, every kind of mistake is named precisely, teams override by id."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from phrasebook import (
    KINDS,
    PhrasebookError,
    Problem,
    check_phrasebook,
    load_phrasebook,
    main_check,
)


def write(folder: Path, name: str, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(body, encoding="utf-8")
    return path


def reasons(problems: list[Problem]) -> list[str]:
    return [str(p) for p in problems]


@pytest.mark.parametrize("language", ["en", "es"])
def test_default_books_pass_their_own_check(language):
    assert check_phrasebook(None, language) == []
    book = load_phrasebook(language=language)
    minimum = 8 if language == "en" else 3
    for kind in KINDS:
        assert len(book.phrases(kind)) >= minimum, kind
    assert book.rules, "the coach needs rules in every shipped language"


def test_english_book_is_varied_in_register_and_covers_every_boundary_step():
    book = load_phrasebook()
    for kind in KINDS:
        registers = {p.register for p in book.phrases(kind)}
        assert registers == {"warm", "formal"}, kind
    assert {p.step for p in book.phrases("boundary")} == {1, 2, 3}
    assert all(p.step is None for k in KINDS if k != "boundary" for p in book.phrases(k))


def test_team_entry_overrides_only_the_fields_it_sets(tmp_path):
    write(tmp_path, "empathy.toml", '[[phrase]]\nid = "empathy.disruptive"\ntext = "Our own words about how rough this is."\n')
    book = load_phrasebook(tmp_path)
    default = load_phrasebook().get("empathy.disruptive")
    phrase = book.get("empathy.disruptive")
    assert phrase.text == "Our own words about how rough this is."
    assert phrase.register == default.register and phrase.triggers == default.triggers
    assert len(book.phrases("empathy")) == len(load_phrasebook().phrases("empathy"))


def test_team_can_retag_disable_and_add(tmp_path):
    write(
        tmp_path,
        "apology.toml",
        """
[[phrase]]
id = "apology.caused-trouble"
disabled = true

[[phrase]]
id = "apology.unexpected-charge"
levels = ["heated"]

[[phrase]]
id = "acme.apology-parcel"
text = "So sorry the parcel is late[, {customer}] - that is on us to fix."
triggers = ["delay"]
register = "warm"
""",
    )
    book = load_phrasebook(tmp_path)
    assert book.get("apology.caused-trouble") is None
    assert book.get("apology.unexpected-charge").levels == frozenset({"heated"})
    added = book.get("acme.apology-parcel")
    assert added.kind == "apology" and added.triggers == frozenset({"delay"})


def test_language_subfolder_of_team_folder_is_used_for_that_language(tmp_path):
    write(tmp_path / "es", "closing.toml", '[[phrase]]\nid = "closing.algo-mas"\ntext = "¿Te ayudo con algo más, lo que sea?"\n')
    write(tmp_path, "closing.toml", '[[phrase]]\nid = "closing.anything-else"\ntext = "Anything else at all?"\n')
    assert load_phrasebook(tmp_path, "es").get("closing.algo-mas").text == "¿Te ayudo con algo más, lo que sea?"
    assert load_phrasebook(tmp_path, "en").get("closing.anything-else").text == "Anything else at all?"


def test_the_bot_refuses_a_bad_book_with_every_problem_listed(tmp_path):
    write(tmp_path, "empathy.toml", '[[phrase]]\nid = "x.one"\ntext = ""\n\n[[phrase]]\nid = "x.two"\ntext = "Hi {name}"\n')
    with pytest.raises(PhrasebookError) as caught:
        load_phrasebook(tmp_path)
    lines = str(caught.value).splitlines()
    assert len(lines) == len(caught.value.problems) == 2
    assert lines[0].endswith("empathy.toml: x.one: empty text")
    assert "x.two: unknown placeholder {name}" in lines[1]


CASES = [
    ("duplicate id", "empathy.toml", '[[phrase]]\nid = "t.a"\ntext = "One."\n[[phrase]]\nid = "t.a"\ntext = "Two."\n', "t.a", "duplicate id"),
    ("unknown trigger", "empathy.toml", '[[phrase]]\nid = "t.a"\ntext = "Hi."\ntriggers = ["dealy"]\n', "t.a", "unknown trigger 'dealy' (did you mean 'delay'?)"),
    ("unknown level", "empathy.toml", '[[phrase]]\nid = "t.a"\ntext = "Hi."\nlevels = ["furious"]\n', "t.a", "unknown level 'furious'"),
    ("unknown register", "empathy.toml", '[[phrase]]\nid = "t.a"\ntext = "Hi."\nregister = "casual"\n', "t.a", "unknown register 'casual'"),
    ("unknown placeholder", "empathy.toml", '[[phrase]]\nid = "t.a"\ntext = "Hi[ {agent}]."\n', "t.a", "unknown placeholder {agent}"),
    ("unguarded placeholder", "empathy.toml", '[[phrase]]\nid = "t.a"\ntext = "Hi {customer}."\n', "t.a", "placeholder {customer} needs optional words"),
    ("unbalanced brackets", "empathy.toml", '[[phrase]]\nid = "t.a"\ntext = "Hi[, {customer}."\n', "t.a", "unbalanced [ ]"),
    ("empty text", "empathy.toml", '[[phrase]]\nid = "t.a"\ntext = "   "\n', "t.a", "empty text"),
    ("new entry without text", "empathy.toml", '[[phrase]]\nid = "t.a"\nregister = "warm"\n', "t.a", "empty text"),
    ("unknown field", "empathy.toml", '[[phrase]]\nid = "t.a"\ntext = "Hi."\ntrigers = ["delay"]\n', "t.a", "unknown field 'trigers' (did you mean 'triggers'?)"),
    ("missing id", "empathy.toml", '[[phrase]]\ntext = "Hi."\n', "entry 1", "missing or invalid id"),
    ("step out of range", "boundary.toml", '[[phrase]]\nid = "t.a"\ntext = "Stop."\nstep = 4\n', "t.a", "step must be 1"),
    ("step on a non-boundary", "empathy.toml", '[[phrase]]\nid = "t.a"\ntext = "Hi."\nstep = 1\n', "t.a", "step is only for boundary"),
    ("boundary without step", "boundary.toml", '[[phrase]]\nid = "t.a"\ntext = "Stop."\n', "t.a", "needs step"),
    ("disable unknown id", "empathy.toml", '[[phrase]]\nid = "nope.none"\ndisabled = true\n', "nope.none", "not in the default"),
    ("override in another kind", "apology.toml", '[[phrase]]\nid = "empathy.disruptive"\ntext = "Sorry."\n', "empathy.disruptive", "belongs to kind 'empathy'"),
    ("bad coach pattern", "coach.toml", "[[rule]]\nid = \"r\"\npatterns = ['(unclosed']\nwhy = \"w\"\nreframe = \"x\"\n", "r", "invalid pattern"),
    ("coach pattern matching nothing", "coach.toml", "[[rule]]\nid = \"r\"\npatterns = ['x*']\nwhy = \"w\"\nreframe = \"x\"\n", "r", "matches empty text"),
    ("coach reframe group", "coach.toml", "[[rule]]\nid = \"r\"\npatterns = ['abc']\nwhy = \"w\"\nreframe = \"\\\\1\"\n", "r", "refers to a group"),
    ("coach rule incomplete", "coach.toml", "[[rule]]\nid = \"r\"\npatterns = ['abc']\n", "r", "coach rule needs why, reframe"),
]


@pytest.mark.parametrize("name,file,body,entry,reason", CASES, ids=[c[0] for c in CASES])
def test_each_mistake_is_reported_with_file_entry_and_reason(tmp_path, name, file, body, entry, reason):
    path = write(tmp_path, file, body)
    problems = check_phrasebook(tmp_path)
    matching = [p for p in problems if p.entry == entry and reason in p.reason]
    assert matching, reasons(problems)
    assert matching[0].file == str(path)
    assert str(matching[0]).startswith(f"{path}: {entry}: ")


def test_file_level_problems_name_the_file(tmp_path):
    write(tmp_path, "empathie.toml", '[[phrase]]\nid = "t.a"\ntext = "Hi."\n')
    write(tmp_path, "closing.toml", "[[phrase]\nid = ")
    write(tmp_path, "options.toml", 'title = "x"\n')
    problems = reasons(check_phrasebook(tmp_path))
    assert any("empathie.toml: unknown kind 'empathie' (did you mean 'empathy'?)" in p for p in problems)
    assert any("closing.toml: invalid TOML" in p for p in problems)
    assert any("options.toml: unknown top-level key 'title'" in p for p in problems)


def test_disabling_a_whole_kind_or_boundary_step_is_a_missing_kind(tmp_path):
    book = load_phrasebook()
    write(tmp_path, "closing.toml", "".join(f'[[phrase]]\nid = "{p.id}"\ndisabled = true\n' for p in book.phrases("closing")))
    step3 = [p for p in book.phrases("boundary") if p.step == 3]
    write(tmp_path, "boundary.toml", "".join(f'[[phrase]]\nid = "{p.id}"\ndisabled = true\n' for p in step3))
    problems = reasons(check_phrasebook(tmp_path))
    assert f"{tmp_path}: missing kind 'closing': no phrases (add closing.toml)" in problems
    assert any("missing boundary step 3" in p for p in problems)


def test_a_new_language_without_a_default_must_bring_every_kind(tmp_path):
    write(tmp_path / "fr", "empathy.toml", '[[phrase]]\nid = "empathy.fr"\ntext = "Je comprends."\n')
    problems = check_phrasebook(tmp_path, "fr")
    missing = {p.reason.split("'")[1] for p in problems if p.reason.startswith("missing kind")}
    assert missing == set(KINDS) - {"empathy"}


def test_a_path_that_is_not_a_folder_is_a_problem(tmp_path):
    problems = check_phrasebook(tmp_path / "absent")
    assert [p.reason for p in problems] == ["not a folder (DEESCALATE_PHRASEBOOK must name a folder)"]


def test_check_command_prints_ok_or_every_problem(tmp_path):
    out = io.StringIO()
    assert main_check([], out) == 0
    assert "OK: built-in [en]: " in out.getvalue() and "OK: built-in [es]: " in out.getvalue()

    write(tmp_path, "empathy.toml", '[[phrase]]\nid = "t.a"\ntext = ""\n[[phrase]]\nid = "t.b"\ntext = "x"\nlevels = ["angry"]\n')
    out = io.StringIO()
    assert main_check([str(tmp_path), "--language", "en"], out) == 1
    lines = out.getvalue().splitlines()
    assert lines[0] == f"{tmp_path / 'empathy.toml'}: t.a: empty text"
    assert lines[1].startswith(f"{tmp_path / 'empathy.toml'}: t.b: unknown level 'angry'")
    assert lines[-1] == "2 problems found"


def test_phrasebook_lookup_by_kind_and_id():
    book = load_phrasebook()
    assert book.get("empathy.disruptive").kind == "empathy"
    assert book.get("no.such.id") is None
    with pytest.raises(ValueError, match="unknown kind"):
        book.phrases("sympathy")


def test_the_team_example_in_the_docs_is_a_valid_phrasebook(tmp_path):
    import re

    doc = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"`acme-phrasebook/(\w+\.toml)`:?\s*\n\n```toml\n(.*?)```", doc, re.S)
    assert [name for name, _ in blocks] == ["apology.toml", "coach.toml"]
    for name, body in blocks:
        write(tmp_path, name, body)
    book = load_phrasebook(tmp_path)
    assert book.get("acme.apology-parcel").triggers == frozenset({"delay"})
    assert book.get("apology.bill-confusion") is None
    assert "acme-no-worries" in {r.id for r in book.rules}
