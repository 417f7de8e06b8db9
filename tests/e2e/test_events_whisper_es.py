"""A Spanish workspace end to end (DEESCALATE_LANGUAGE=es): signed Slack events in, the whispers it makes out.

Spanish abuse climbs the boundary ladder, supervisor demands, legal threats and threats of harm offer
a handoff, as in English; calm Spanish threads stay quiet; `/deescalate check` reads a draft's tone
with the Spanish cues. The same Spanish words in an English workspace go unseen, which is why the
language is threaded through.
"""

from __future__ import annotations

import json

import pytest

from bot import ids
from tests.e2e.test_commands import ack_of
from tests.e2e.test_events_whisper import AGENT, CUSTOMER, Conversation, blocks_of, buttons, climb_the_ladder, header, settled

OPENING = "Hola, mi paquete no ha llegado todavía."
ABUSE = ["Eres un idiota inútil…", "¡Cállate, imbécil!", "Sois unos incompetentes de mierda, contesta ya"]


def opened(bot, standin) -> Conversation:  # noqa: ANN001
    talk = Conversation(bot, standin)
    talk.post(CUSTOMER, OPENING, root=True)
    talk.post(AGENT, "Hola, lo estoy revisando ahora mismo.")
    bot.settle()
    return talk


@pytest.fixture(params=["embedded", "redis"])
def spanish_bot(request: pytest.FixtureRequest, make_bot):  # noqa: ANN001, ANN201
    if request.param == "redis":
        return make_bot(request.getfixturevalue("redis_url"), DEESCALATE_LANGUAGE="es")
    return make_bot(DEESCALATE_LANGUAGE="es")


def test_a_calm_spanish_thread_stays_quiet(spanish_bot, standin):  # noqa: ANN001
    talk = opened(spanish_bot, standin)
    for line in ("Vale, gracias. ¿Me decís cuándo llega?", "¿Podéis revisarlo otra vez? El número es el 48213.",
                 "Sin prisa, no es urgente.", "Perfecto, ya me ha llegado. ¡Muchas gracias!"):
        talk.post(CUSTOMER, line)
    assert settled(spanish_bot, standin) == []
    assert talk.case().level == "calm" and talk.case().flags == []


def test_spanish_abuse_climbs_the_boundary_ladder_to_a_handoff(make_bot, standin):  # noqa: ANN001
    bot = make_bot(DEESCALATE_LANGUAGE="es")
    book = bot.runtime.book
    assert book.language == "es"
    talk = opened(bot, standin)
    first, second, third = climb_the_ladder(bot, standin, talk, ABUSE)
    assert "idiota" in json.dumps(blocks_of(first), ensure_ascii=False)  # the why quotes the Spanish words
    # The phrasings offered are the Spanish book's.
    spanish = {p.text.split("[")[0][:25] for p in book.phrases("boundary")}
    assert any(any(t in json.dumps(blocks_of(w), ensure_ascii=False) for t in spanish) for w in (first, second, third))
    assert "abusive" in talk.case().flags


@pytest.mark.parametrize(
    "text,flag",
    [
        ("Quiero hablar con tu supervisor ahora mismo.", "authority"),
        ("Voy a llamar a mi abogado y os denuncio en consumo.", "churn"),
        ("Sé dónde trabajas. Te voy a partir la cara.", "threat"),
    ],
)
def test_authority_legal_and_threats_offer_a_handoff(make_bot, standin, text, flag):  # noqa: ANN001
    bot = make_bot(DEESCALATE_LANGUAGE="es")
    talk = opened(bot, standin)
    talk.post(CUSTOMER, text)
    [call] = standin.wait_for("chat.postEphemeral")
    assert call.params["user"] == AGENT
    assert ids.START_HANDOFF in buttons(call)
    bot.settle()
    assert flag in talk.case().flags


def test_the_same_spanish_words_in_an_english_workspace_go_unseen(make_bot, standin):  # noqa: ANN001
    bot = make_bot()  # DEESCALATE_LANGUAGE unset: English
    talk = opened(bot, standin)
    talk.post(CUSTOMER, "Eres un idiota inútil, quiero hablar con tu supervisor.")
    assert settled(bot, standin) == []


def test_check_reads_a_draft_with_the_spanish_cues(make_bot):  # noqa: ANN001
    draft = "check Como ya le he explicado dos veces, no podemos hacer nada más."
    spanish = json.dumps(ack_of(make_bot(DEESCALATE_LANGUAGE="es").sender.command(draft)), ensure_ascii=False)
    english = json.dumps(ack_of(make_bot().sender.command(draft)), ensure_ascii=False)
    assert "repeat_contact" in spanish and "ya le he explicado" in spanish
    assert "repeat_contact" not in english


def test_the_issue_message_gets_a_boundary_with_a_handoff(make_bot, standin):  # noqa: ANN001
    # Reported: shouting + insult + supervisor + lawyer read `uneasy`, with no boundary and no handoff.
    bot = make_bot(DEESCALATE_LANGUAGE="es")
    talk = opened(bot, standin)
    talk.post(CUSTOMER, "¡¡QUIERO HABLAR CON UN SUPERVISOR YA!! Sois unos inútiles, voy a llamar a mi abogado")
    [call] = standin.wait_for("chat.postEphemeral")
    assert "step 1 of 3" in header(call) and ids.START_HANDOFF in buttons(call)
    bot.settle()
    case = talk.case()
    assert case.level == "heated" and {"abusive", "authority", "churn"} <= set(case.flags)
