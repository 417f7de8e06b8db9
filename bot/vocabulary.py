"""The shared words of the domain: levels, flags and triggers, used by the detector and the phrasebook.

The bottom of the import graph: this module imports nothing, and phrasebook/ imports nothing else of bot/.
"""

from __future__ import annotations

LEVELS: tuple[str, ...] = ("calm", "uneasy", "tense", "heated")

# Flags a message or thread can carry; threat and hate are always raised, whatever the score.
FLAGS: tuple[str, ...] = ("abusive", "threat", "hate", "authority", "churn", "repeat")

# The most serious harms: a thread with one of these is escalated first and its handoff is critical,
# whatever else it carries. (As flags and as triggers they have the same names.)
SEVERE: frozenset[str] = frozenset({"threat", "hate"})

# Triggers name *why* a moment is hard. Detector signals use these as their `kind`, and
# phrasebook entries use them as tags saying when a phrasing fits.
TRIGGERS: frozenset[str] = frozenset(
    {
        # warning signs in how the customer writes
        "volume",  # capitals, !!!/???, elongated words
        "repeat_question",  # the same question asked again in the thread
        "terse",  # sudden drop to very short replies
        "frustration",  # frustration and hostility words
        # what the trouble is about
        "delay",  # waiting, "still waiting", "for days"
        "repeat_contact",  # "third time", "again", "nobody answers"
        "transfer",  # bounced between people or teams
        "refund",
        "billing",
        "outage",  # something is down or broken
        "defect",  # a product fault
        # pressure and demands
        "churn",  # cancel, switch to a competitor
        "legal",  # lawyer, chargeback, regulator
        "public",  # public review, social media
        "authority",  # manager/supervisor, demands beyond an agent's reach
        "compensation",
        # harm
        "abuse",  # insults or profanity aimed at the agent
        "profanity",  # swearing not aimed at a person
        "threat",  # threats of harm
        "hate",  # hate speech
    }
)


def level_index(level: str) -> int:
    """Position of a level in LEVELS (calm=0 … heated=3)."""
    return LEVELS.index(level)
