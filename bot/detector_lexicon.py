"""The hand-written cue lists behind the detector's explainable signals.

Single words are found by one set intersection with the message's tokens; multi-word cues are
regexes hung on an anchor word, so a phrase is only searched for when its anchor is present.
Weights are strengths in [0, 1]; the detector turns them into score contributions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# --- single words -------------------------------------------------------------------------

FRUSTRATION = {
    "unacceptable": 0.6, "ridiculous": 0.45, "frustrated": 0.45, "frustrating": 0.45,
    "frustration": 0.4, "annoyed": 0.4, "annoying": 0.35, "angry": 0.5, "furious": 0.6,
    "livid": 0.6, "fuming": 0.55, "disgusted": 0.5, "disgusting": 0.5, "outrageous": 0.5,
    "outraged": 0.55, "terrible": 0.35, "horrible": 0.35, "awful": 0.35, "worst": 0.4,
    "pathetic": 0.45, "useless": 0.4, "joke": 0.2, "scam": 0.5, "scammed": 0.5, "ripoff": 0.5,
    "incompetent": 0.5, "incompetence": 0.5, "absurd": 0.4, "nonsense": 0.35,
    "unbelievable": 0.45, "shameful": 0.45, "disgrace": 0.5, "disgraceful": 0.5,
    "insulting": 0.45, "appalling": 0.5, "appalled": 0.5, "pissed": 0.5, "irritated": 0.4,
    "infuriating": 0.55, "infuriated": 0.55, "enraged": 0.6, "rage": 0.45, "garbage": 0.4,
    "rubbish": 0.35, "lousy": 0.35, "unprofessional": 0.45, "nightmare": 0.35, "shambles": 0.45,
    "sucks": 0.4, "hate": 0.35, "hated": 0.3, "fed": 0.1, "seriously": 0.3, "unhappy": 0.35,
    "disappointed": 0.3, "disappointing": 0.3, "upset": 0.35, "mad": 0.35, "lied": 0.4,
    "lying": 0.4, "fraud": 0.5, "robbed": 0.5, "theft": 0.5, "stealing": 0.45, "ugh": 0.3, "argh": 0.35,
    # Milder dissatisfaction: the answer or the help was not right.
    "wrong": 0.25, "incorrect": 0.25, "unhelpful": 0.35, "confusing": 0.2, "confused": 0.15,
    "nevermind": 0.2, "pointless": 0.35, "hopeless": 0.35, "inaccurate": 0.25,
    # A good word negated is how polite customers complain: "not ideal", "not happy".
    "neg_ideal": 0.3, "neg_happy": 0.35, "neg_impressed": 0.35, "neg_acceptable": 0.5, "neg_okay": 0.3,
    "neg_ok": 0.3, "neg_great": 0.25, "neg_satisfied": 0.35, "neg_fair": 0.3,
}
DELAY = {
    "waiting": 0.25, "waited": 0.3, "forever": 0.3, "ages": 0.2, "overdue": 0.3, "delayed": 0.25,
    "delay": 0.2, "delays": 0.25,
}
REPEAT_CONTACT = {"repeatedly": 0.35, "ignored": 0.4, "ignoring": 0.4}
TRANSFER = {"transferred": 0.3, "bounced": 0.3, "redirected": 0.25}
REFUND = {"refund": 0.1, "refunded": 0.1, "refunds": 0.1, "reimburse": 0.1, "reimbursement": 0.1}
BILLING = {
    "charged": 0.1, "overcharged": 0.3, "billed": 0.1, "invoice": 0.05, "charge": 0.05,
    "charges": 0.1, "payment": 0.05, "subscription": 0.05, "fee": 0.05, "fees": 0.1,
}
OUTAGE = {"outage": 0.2, "offline": 0.15, "crashed": 0.2, "crashing": 0.2, "down": 0.05}
DEFECT = {"broken": 0.2, "defective": 0.25, "faulty": 0.25, "bug": 0.1, "damaged": 0.2, "glitch": 0.15}
# "cancel" alone is often an errand ("cancel the extra seat"); leaving is said by the phrases below.
CHURN = {
    "cancel": 0.15, "cancelling": 0.3, "canceling": 0.3, "cancellation": 0.2,
    "unsubscribe": 0.4, "competitor": 0.4, "competitors": 0.4,
}
LEGAL = {
    # "lawyer" and "sue" alone are often a film or a name ("Curly Sue"): the phrases below say legal action.
    "suing": 0.7, "lawsuit": 0.7,
    "court": 0.5, "chargeback": 0.6, "ombudsman": 0.6, "regulator": 0.55, "solicitor": 0.7,
}
# Naming a platform is not a threat to go public ("just right here on Twitter?"): the phrases below
# need a threat to post, review or tell about it.
PUBLIC: dict[str, float] = {}
AUTHORITY = {"escalate": 0.45}
COMPENSATION = {"compensation": 0.45, "compensate": 0.45, "damages": 0.35, "goodwill": 0.2}

# Profanity on its own is swearing; aimed at a person it becomes abuse.
PROFANITY = {
    "fuck": 0.5, "fucking": 0.5, "fucked": 0.5, "fuckin": 0.5, "fck": 0.5, "fking": 0.5,
    "fuk": 0.5, "fkn": 0.5, "shit": 0.45, "shitty": 0.45, "bullshit": 0.5, "crap": 0.3,
    "crappy": 0.3, "damn": 0.25, "damned": 0.25, "goddamn": 0.4, "hell": 0.2, "wtf": 0.45,
    "bloody": 0.2, "piss": 0.4, "ass": 0.35, "arse": 0.35, "bollocks": 0.4, "motherfucking": 0.6,
    "effing": 0.35, "frigging": 0.25, "freaking": 0.2, "shite": 0.4, "sh": 0.0,
}
# Words that name a person as contemptible: abuse when aimed at someone.
INSULT_NOUNS = {
    "idiot": 0.7, "idiots": 0.7, "moron": 0.75, "morons": 0.75, "imbecile": 0.75, "loser": 0.6,
    "losers": 0.6, "clown": 0.5, "clowns": 0.5, "bitch": 0.8, "asshole": 0.8, "assholes": 0.8,
    "bastard": 0.8, "bastards": 0.8, "dickhead": 0.8, "jerk": 0.55, "fool": 0.5, "fools": 0.5,
    "prick": 0.8, "twat": 0.85, "cunt": 0.9, "scum": 0.75, "retard": 0.85, "dumbass": 0.75,
    "jackass": 0.7, "motherfucker": 0.85, "douchebag": 0.7, "dick": 0.6, "thief": 0.5,
    "thieves": 0.5, "liar": 0.55, "liars": 0.55, "cretin": 0.75, "halfwit": 0.7, "numpty": 0.5,
    "muppet": 0.5, "wanker": 0.8, "whore": 0.85, "slut": 0.85, "pig": 0.4, "pigs": 0.4,
}
# Words that describe a person as contemptible only when said of "you".
INSULT_ADJECTIVES = {
    "stupid": 0.6, "useless": 0.55, "incompetent": 0.6, "pathetic": 0.55, "dumb": 0.6,
    "worthless": 0.65, "clueless": 0.5, "brainless": 0.65, "ignorant": 0.5, "idiotic": 0.6,
    "retarded": 0.8, "disgusting": 0.55, "ugly": 0.5, "fat": 0.4,
}
# Second person: what turns swearing or an insult into abuse of the agent.
SECOND_PERSON = frozenset({"you", "u", "ya", "youre", "you're", "ur", "yourself", "yall", "y'all", "your"})
# Determiners before a swear word say it is aimed at a thing ("this f***ing app").
OBJECT_DETERMINERS = frozenset({"this", "the", "that", "these", "those", "my", "our", "its", "his", "her", "their", "what", "a", "an"})

# Hate: a short list of slurs, always flagged (kept here, not scattered through the code).
SLURS = frozenset(
    {
        "nigger", "niggers", "nigga", "niggas", "faggot", "faggots", "fag", "fags", "kike", "kikes",
        "spic", "spics", "chink", "chinks", "tranny", "trannies", "wetback", "wetbacks", "gook",
        "gooks", "raghead", "ragheads", "towelhead", "coon", "coons", "dyke", "paki", "pakis",
    }
)

# Gratitude and assent that make a short reply friendly rather than terse.
FRIENDLY = frozenset({"thanks", "thank", "thx", "ty", "cheers", "great", "perfect", "awesome", "appreciate", "lovely", "brilliant", "excellent", "wonderful", "please"})
# Replies that close a conversation down: the terse tone.
TERSE_WORDS = frozenset({"fine", "whatever", "ok", "okay", "k", "kk", "sure", "right", "noted", "yeah", "yep", "w/e", "wow", "nvm", "forget"})
# Replies that read as shutting down even with no history: "whatever", "fine."
DISMISSIVE = frozenset({"fine", "whatever", "w/e", "nvm", "forget it", "k", "sure whatever", "fine whatever", "ok fine", "okay fine"})


# --- multi-word cues ------------------------------------------------------------------------


@dataclass(frozen=True)
class Phrase:
    kind: str
    weight: float
    pattern: re.Pattern[str]


def _p(kind: str, weight: float, regex: str) -> Phrase:
    return Phrase(kind, weight, re.compile(regex))


_N = r"(?:\d+|a few|few|several|two|three|four|five|six|many|multiple|so many|a couple of|couple of)"
_YOU = r"(?:you|u|ya|y'all|yall|your (?:staff|agents?|team|people|company|family|office))"

# anchor token -> phrases searched for in the lower-cased text when that token is present.
PHRASES: dict[str, tuple[Phrase, ...]] = {}


def _add(anchors: str, *phrases: Phrase) -> None:
    for anchor in anchors.split():
        PHRASES[anchor] = PHRASES.get(anchor, ()) + phrases


_add("still", _p("delay", 0.45, r"\bstill (?:waiting|no\b|nothing|not\b|haven'?t|hasn'?t|didn'?t|don'?t|can'?t|unresolved|broken|down)"))
_add("hours days weeks months week month", _p("delay", 0.45, # "for 2 days" and "in 3 days" are often a booking or a plan; waiting says more ("for 2 days now", "over 3 weeks").
     rf"\b(?:over|after|than|past|last|almost|nearly) {_N} (?:hours|days|weeks|months)\b|\b(?:for|in) {_N} (?:hours|days|weeks|months) (?:now|already|straight|and still)\b|\b(?:over|than|for over|for more than) (?:a|an|one) (?:week|month)\b|\bfor (?:a|an|one) (?:week|month) (?:now|already)\b|\b{_N} (?:hours|days|weeks|months) (?:now|later|ago|already)\b|\b(?:weeks|months) now\b|\bfor (?:hours|days|weeks|months|ages)\b|\b(?:waiting|waited|been) (?:for )?(?:over |more than )?{_N} (?:hours|days|weeks|months)\b"))
_add("long", _p("delay", 0.35, r"\bhow (?:much )?long (?:do|does|will|is|am|are|should|has|have)\b|\btaking (?:so|too|this) long\b|\bthis long\b"))
_add("yet", _p("delay", 0.3, r"\b(?:nothing|no \w+|not|haven'?t \w+|neg_\w+) yet\b"))
_add("since", _p("delay", 0.3, r"\bsince (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|last|yesterday|january|february|march|april|may|june|july|august|september|october|november|december|\d)"))
_add("time times", _p("repeat_contact", 0.6, r"\b(?:second|2nd|third|3rd|fourth|4th|fifth|5th|umpteenth|nth|\d+(?:st|nd|rd|th)) time\b|\bhow many (?:more )?times\b|\bevery single time\b|\bevery time (?:i|we) (?:call|ask|contact|try|order|write|message|chat|email|ring)\b"),
     _p("repeat_contact", 0.4, r"\b(?:multiple|several|many|countless|so many|numerous) times\b"))
_add("again", _p("repeat_contact", 0.4, r"\b(?:yet|once|all over|here we go) again\b|\b(?:asking|explain(?:ing)?|tell(?:ing)?|call(?:ing)?|writ(?:e|ing)|contact(?:ing)?|message|messaging|email(?:ing)?) (?:\w+ ){0,3}again\b"))
_add("already", _p("repeat_contact", 0.45, r"\b(?:i'?ve |i have |i )?already (?:told|explained|asked|sent|called|emailed|contacted|provided|gave|given|done|tried|answered)\b"))
_add("keep", _p("repeat_contact", 0.4, r"\bkeep (?:asking|telling|calling|saying|getting|being told)\b"))
_add("answers answer response reply replies replied responded respond gets neg_response neg_reply neg_answer neg_heard heard",
     _p("repeat_contact", 0.5, r"\b(?:nobody|no one|noone|neg_\w+ one|never) (?:answers|answered|responds|responded|replies|replied|gets back|got back|calls? back)\b|\bno (?:response|reply|answer)\b|\bneg_heard (?:back|anything|a thing|from)\b|\bneg_(?:response|reply|answer)\b|\bnever heard back\b|\bneg_\w+ (?:heard|gotten|had|received|got) (?:back|a (?:response|reply|answer))\b"))
_add("transferred passed bounced around department departments", _p("transfer", 0.45, r"\b(?:transferred|passed|bounced|shuffled|redirected)(?: \w+){0,2} (?:around|again|to (?:another|a different|someone else|the next)|from (?:one|department|person))\b|\banother department\b|\bdifferent departments?\b"))
_add("fed", _p("frustration", 0.5, r"\bfed up\b"))
_add("tired sick", _p("frustration", 0.6, r"\bsick (?:and tired )?of\b|\btired of\b"))
_add("enough", _p("frustration", 0.5, r"\b(?:had|have had|enough is) enough\b|\benough of (?:this|your)\b"))
_add("waste", _p("frustration", 0.45, r"\bwaste of (?:my |our )?(?:time|money)\b|\bwasted (?:my|our|hours|days)\b"))
_add("joke", _p("frustration", 0.45, r"\b(?:this|it|that|you)(?:'s| is| are)? (?:a |an )?(?:absolute |complete |total |such a |bad )?joke\b"))
_add("hell heck fuck", _p("frustration", 0.45, r"\bwhat the (?:hell|heck|fuck|f)\b"))
_add("nobody noone", _p("repeat_contact", 0.5, r"\b(?:nobody|no one|noone)(?: is|'s) (?:answering|responding|replying|picking up|helping|getting back)\b"))
_add("kidding serious", _p("frustration", 0.4, r"\bare you (?:\w+ )?(?:kidding|serious)\b|\byou(?:'ve| have)? got to be kidding\b"))
# Dissatisfaction with the answer itself: "no, that's not what I asked", "it still doesn't work".
_add("no", _p("frustration", 0.15, r"^no\b(?! (?:neg_)?(?:problem|problems|worries|thanks|rush|hurry)\b)"))
_add("neg_what said asked told neg_work neg_works neg_working neg_help neg_helpful neg_right neg_correct sense neg_sense neg_understand",
     _p("frustration", 0.35, r"\bi (?:already |just )?(?:said|asked for|told you)\b|(?<!will not )(?<!would not )(?<!won't )(?<!wont )(?<!wouldn't )\bneg_(?:work|works|working|help|helpful|understand)\b|\bmakes? no neg_sense\b|\bno sense\b"),
     _p("frustration", 0.45, r"\bnot neg_what (?:i|we) (?:asked|wanted|said|need|needed|meant|ordered)\b"))
# Polite dissatisfaction with the help itself, as support chats phrase it: the customer feels unheard,
# the answer misses the question, or they are about to give up.
_add("neg_right neg_correct", _p("frustration", 0.25, r"\bneg_(?:right|correct)\b(?! (?:now|away|time))"))
_add("neg_listening neg_listen listening",
     _p("frustration", 0.55, r"\bneg_listen(?:ing)?\b|\b(?:are you|you) even listening\b"))
_add("read", _p("frustration", 0.5, r"\bdid (?:you|u|anyone) (?:even |actually )?read\b|\b(?:read|re-read|reread) my (?:message|question|email|messages)\b"))
_add("question neg_question", _p("frustration", 0.4, r"\bnot (?:my|the) neg_question\b|\b(?:neg_)?answer (?:my|the) (?:actual |simple )?question\b"))
_add("neg_ask neg_asked", _p("frustration", 0.4, r"\bneg_ask(?:ed)? (?:for|about)\b"))
_add("neg_mind forget", _p("frustration", 0.25, r"\bnever neg_mind\b|\bforget (?:it|about it)\b"))
_add("neg_you neg_u", _p("frustration", 0.4, r"\bwhy (?:can'?t|cannot|won'?t|don'?t|didn'?t|doesn'?t) neg_(?:you|u)\b"))
_add("neg_good", _p("frustration", 0.5, r"\bneg_good enough\b"))
_add("give", _p("frustration", 0.5, r"\bi (?:give|gave) up\b"))
_add("point", _p("frustration", 0.4, r"\bwhat(?:'?s| is) the point\b(?! of (?!(?:this|that|it|even|asking|having|calling)\b))"))
_add("bot robot machine", _p("frustration", 0.35, r"\b(?:are you|am i (?:talking|chatting|speaking) (?:to|with)) (?:a |an |just a )?(?:bot|robot|machine)\b"))
_add("hard difficult", _p("frustration", 0.45, r"\bhow (?:hard|difficult) (?:is it|can it be|could it be)\b"))
_add("neg_care", _p("frustration", 0.35, r"\bi (?:don'?t|do not|dont) neg_care\b"))
_add("stop", _p("frustration", 0.4, r"\bstop (?:asking|telling|sending|repeating|giving) (?:me|the same)\b"))
_add("straw", _p("frustration", 0.5, r"\blast straw\b"))
_add("money", _p("refund", 0.3, r"\b(?:my|our|the) money back\b"), _p("compensation", 0.35, r"\bmoney back\b"))
_add("refund", _p("compensation", 0.45, r"\b(?:full|entire|complete|whole|immediate) refund\b"))
_add("account", _p("churn", 0.5, r"\b(?:close|closing|delete|deleting|terminate|cancel|cancell?ing) (?:my|our|the) account\b"))
_add("switch switching switched moving leave leaving going elsewhere business done customer",
     _p("churn", 0.5, r"\b(?:switch(?:ing)?|moving|take my business) (?:over )?(?:to|elsewhere)\b(?! (?:the|your) (?:app|website|site|page|settings))|\bgoing (?:elsewhere|to (?:a |another |one of your )?(?:competitors?|rivals?|another (?:provider|company|shop|store|bank)))\b|\btaking my (?:business|money) elsewhere\b|\b(?:leave|leaving) (?:you|your (?:service|company))\b|\bdone with (?:you|your|this company)\b|\bno longer (?:a )?customer\b|\blost (?:a|me as a) customer\b|\bformer customer\b"))
_add("never use", _p("churn", 0.5, r"\bnever (?:again|use (?:you|your|this)|buy(?:ing)? from|order(?:ing)? from)\b"))
_add("review reviews star stars rating", _p("public", 0.55, r"\b(?:a|an|my) (?:bad|negative|terrible|scathing|honest|1|one|1-star|one-star|zero) (?:star )?(?:review|rating)\b|\b(?:leave|leaving|write|writing|post|posting) (?:a |an )?(?:\w+ )?review\b|\b(?:give|giving|gave|rate|rating|leave|leaving|worth|deserve|deserves) (?:you |it |this )?(?:a )?(?:1|one|zero|no) stars?\b"))
_PLATFORMS = r"(?:twitter|x|facebook|fb|reddit|instagram|insta|tiktok|trustpilot|yelp|the bbb|bbb|linkedin|youtube)"
_INTENT = r"(?:i'?ll|i will|i'?m|im|i am|gonna|going to|about to|or i|otherwise i|until i|i shall|i'?d|i might)"
_add("twitter facebook fb reddit instagram insta tiktok trustpilot yelp bbb linkedin youtube tweet tweeting",
     _p("public", 0.55, rf"\b{_INTENT} (?:\w+ ){{0,2}}?(?:post|posting|put|putting|share|sharing|write|writing|tweet|tweeting|review|complain|complaining|expose|exposing|blast|blasting|rant|ranting)\b(?: \w+){{0,5}}? (?:on|to|about|all over) {_PLATFORMS}\b"
        rf"|\b(?:this|it)(?:'s| is| will be)? going (?:on|to) {_PLATFORMS}\b|\b(?:trustpilot|yelp|bbb) (?:review|complaint)\b|\b{_INTENT} (?:\w+ )?tweet(?:ing)? (?:about )?(?:this|it|you)\b"))
_add("media everyone public news press post posting tell",
     _p("public", 0.55, r"\bsocial media\b|\btell (?:everyone|everybody|all my)\b|\bgo(?:ing)? public\b|\b(?:the|local) (?:news|press)\b|\bpost(?:ing)? (?:this|it|about)\b"))
_add("lawyer lawyers attorney attorneys solicitor solicitors sue",
     _p("legal", 0.7, r"\b(?:my|our) (?:lawyers?|attorneys?|solicitors?)\b|\b(?:contact|contacting|call|calling|get|getting|hire|hiring|involve|involving|speak to|speaking to|talk to|talking to|hear from) (?:my |a |our )?(?:lawyers?|attorneys?|solicitors?)\b"
        r"|\b(?:i'?ll|i will|i'?m going to|gonna|going to|could|should|i can|will) sue\b|\bsue (?:you|your|the company|them)\b"))
_add("cancelling canceling", _p("churn", 0.45, r"\bcancell?ing (?:my|our|the) (?:account|subscription|service|plan|contract|membership)\b|\b(?:i'?m|i am|we'?re) cancell?ing\b(?! (?:the|a|an|my) (?:order|booking|reservation|seat|taxi|table|item)s?\b)"))
_add("charge dispute", _p("legal", 0.55, r"\bdispute (?:the|this|my) (?:charge|payment|transaction)\b|\bcharge ?back\b"))
_add("legal action court report reporting consumer standards authorities",
     _p("legal", 0.6, r"\blegal (?:action|team|advice|steps)\b|\btake (?:you|this|it) to court\b|\breport(?:ing)? (?:you|this|your company) to\b|\bconsumer (?:protection|rights|affairs)\b|\btrading standards\b|\bthe authorities\b"))
# "your manager", "a supervisor", but not the customer's own ("my manager asked me to...").
# A demand for someone above the agent, not a job title ("As a manager at…", "Director of Customer Experience").
_BOSS = r"(?:manager|supervisor|boss|superior|ceo|team lead)s?"
_add("manager supervisor boss superior ceo managers supervisors lead",
     _p("authority", 0.6, rf"\b(?:your|ur) (?:\w+ )?{_BOSS}\b"
        rf"|\b(?:get|want|need|demand|fetch|call|bring|give|put|escalate (?:this|it)|pass (?:this|me)) (?:me )?(?:to |through to |over to )?(?:a|the|your|ur) (?:\w+ )?{_BOSS}\b"
        rf"|\b(?:speak|talk|speaking|talking|chat|deal) (?:to|with) (?:a|the|your|ur|someone's) (?:\w+ )?{_BOSS}\b"
        rf"|\b{_BOSS} (?:now|please|immediately|asap|right now)\b|\bwhere(?:'s| is) (?:the|a|your) {_BOSS}\b"))
_add("speak talk someone charge person human higher",
     _p("authority", 0.5, r"\b(?:speak|talk|put me through) (?:to|with) (?:someone|somebody) (?:else|senior|higher|in charge|who can)\b|\bsomeone in charge\b|\b(?:real|actual) (?:person|human)\b|\bhigher up\b|\bsomeone (?:more )?senior\b"))
_add("owe owes", _p("compensation", 0.45, r"\b(?:you|they) owe (?:me|us)\b"))
_add("pay", _p("compensation", 0.35, r"\b(?:you|you'll|you will|should) (?:need to |have to |must )?pay for\b"))
_add("free", _p("compensation", 0.3, r"\b(?:a )?free (?:month|year|upgrade|replacement)\b"))
# Threats of harm: always flagged. Anchored on the verb or the telling noun.
_add("kill hurt shoot stab beat punch strangle murder smash attack",
     _p("threat", 0.95, rf"\b(?:kill|hurt|shoot|stab|beat|punch|strangle|murder|smash|attack)(?:ing)? (?:up )?(?:{_YOU}|him|her|them|everyone|every one of you|all of you|the (?:staff|agent|manager))\b"))
_add("where", _p("threat", 0.95, r"\b(?:know|find|found|find out|look up|track down) where (?:you|u|your \w+) (?:live|lives|work|works|sleep|sleeps)\b|\bknow where (?:you|u) are\b|\bknow where your (?:office|house|home|family|kids|children|wife|husband) (?:is|are)\b"))
_add("coming", _p("threat", 0.9, r"\b(?:i'?m|i am) coming (?:for (?:you|u)|after (?:you|u)|to (?:get|find) (?:you|u))\b"))
_add("find", _p("threat", 0.9, r"\b(?:i'?ll|i will|i'?m going to|gonna|i'?m gonna) (?:find|hunt down|come for) (?:you|u|your)\b"))
_add("watch", _p("threat", 0.85, r"\bwatch your back\b"))
_add("dead die", _p("threat", 0.9, r"\b(?:you(?:'re| are)?|u r|you'll be) (?:so |all )?(?:dead|going to die|gonna die)\b|\b(?:hope|wish) (?:you|u) (?:die|get hurt|burn)\b"))
_add("burn bomb blow", _p("threat", 0.95, r"\b(?:burn|bomb|blow up|torch)(?: down)? (?:your|the|this|that) (?:office|store|shop|building|place|house|headquarters|hq|warehouse)\b|\bburn (?:it|you) (?:all )?down\b"))
_add("regret pay suffer", _p("threat", 0.85, r"\b(?:i'?ll|i will|i'?m going to|gonna) make (?:you|u|them) (?:pay|regret|suffer)\b|\byou(?:'ll| will) (?:regret|pay for) (?:this|it)\b"))
# Hate: dehumanising a group, or wishing a group harm.
_GROUPS = r"(?:people|immigrants|foreigners|muslims|jews|christians|gays|blacks|whites|asians|mexicans|arabs|indians|women|men|refugees|africans|chinese|trans people|gay people|black people)"
_add("animals vermin subhuman parasites rats cockroaches savages die deported gassed exterminated country",
     _p("hate", 0.95, rf"\b(?:these|those|all|you|fucking|filthy|dirty) {_GROUPS} (?:are|r|should be|should|deserve to) (?:all )?(?:animals|vermin|subhuman|parasites|rats|cockroaches|savages|die|be deported|deported|gassed|be gassed|exterminated|be exterminated)\b|\bgo back to (?:your|ur) (?:own )?country\b"))
# Abuse aimed at a person, in phrases.
_add("fuck f fk screw damn sod stuff hell shut piece kiss kick",
     _p("abuse", 0.85, r"\b(?:fuck|f|fk|screw|damn|sod|stuff) (?:you|u|ya|yourself|off)\b|\bgo to hell\b|\bshut (?:the fuck |the hell )?up\b|\bgo (?:fuck|screw) yourself\b|\b(?:kiss|kick) my ass\b|\bpiece of (?:shit|crap|garbage|trash)\b"))

# --- support-chat language ------------------------------------------------------------------
# Customers in support chats rarely swear; they wait, come back, quote broken promises, demand and
# turn sarcastic. These cues were tuned on the "dev" half of tests/fixtures/support_chat.jsonl.

# Waiting, said the way support customers say it.
_add("still", _p("delay", 0.4, r"\bstill (?:being|getting|showing|shows|says|saying|fails|failing|stuck|locked|blocked|suspended|frozen|pending|charging|charged|billing|billed|happening|missing|the same|on hold|no neg_\w+|nothing)\b"))
_add("neg_update neg_news neg_word neg_progress neg_moved neg_changed update", _p("delay", 0.35, r"\bno neg_(?:update|news|word|progress)\b|\bneg_(?:moved|changed|progressed)\b|\bany (?:update|news) (?:yet|at all)\b"))
_add("longer", _p("delay", 0.4, r"\b(?:taking|took|takes) (?:\w+ ){0,2}longer than\b"))
_add("hold", _p("delay", 0.4, r"\b(?:on hold|holding) for\b"))
_add("another", _p("delay", 0.4, r"\banother (?:\d+(?: \d+)? )?(?:business |working |more )?(?:hours?|days?|weeks?|months?)\b|\banother (?:week|month|day) of\b"))
_add("took", _p("delay", 0.4, rf"\btook (?:over |more than |almost |nearly )?(?:{_N}|\d+|ten|twelve) (?:hours|days|weeks|months)\b"))

# Broken promises: the customer was told something before and is back (read as repeat contact).
_add("told promised promise said assured supposed",
     _p("repeat_contact", 0.4, r"\b(?:i was|we were|i've been|i have been|i got) (?:told|promised|assured)\b|\byou (?:told me|promised|said|assured)\b|\bpromised (?:me|us|a|to)\b"),
     _p("delay", 0.4, r"\b(?:was|were) supposed to (?:arrive|be (?:here|delivered|fixed|done|back|refunded)|ship|come|get|have)\b"))
_add("nobody no neg_one noone never", _p("repeat_contact", 0.45, r"\b(?:nobody|no one|no neg_one|noone|never) (?:called|came|showed|rang|turned up|got back|contacted|followed up)\b"))
# The same trouble or answer coming back.
_add("again", _p("repeat_contact", 0.35, r"^again\b|\b(?:broken|crash\w*|down|failing|failed|charged|billed|stopped|dropped|missing|late|locked|happening|happened|wrong) again\b"))
_add("keeps", _p("repeat_contact", 0.4, r"\bkeeps (?:happening|crashing|failing|dropping|breaking|charging|doing|coming)\b"))
_add("twice times", _p("repeat_contact", 0.45, r"\b(?:asked|called|sent|emailed|written|wrote|explained|told|tried|done|did|rang|contacted|chased|reported)\b(?: \w+){0,3} twice\b|\btwice (?:now|already)\b|\b(?:\d+|two|three|four|five|six|ten|twenty) times\b"))
_add("same", _p("repeat_contact", 0.45, r"\bsame (?:answer|reply|response|thing|story|excuse|link|script)\b(?: \w+){0,4}? (?:as (?:last|before|yesterday)|last (?:time|week)|again|every time|before)\b|\bsaid (?:the same|that) (?:thing )?too\b|\bwhat the last (?:agent|person) said\b"))
_add("agent person colleague", _p("repeat_contact", 0.35, r"\b(?:the|your) (?:last|previous|other) (?:agent|person|colleague|rep)\b"))
# "two tickets" to a show is an order; support tickets say so ("3 tickets open", "two support tickets").
_add("calls emails chats tickets messages", _p("repeat_contact", 0.45, r"\b(?:\d+|two|three|four|five|six|several|multiple) (?:calls|emails|chats|messages|(?:support )?tickets (?:open|raised|logged|opened|already)|support tickets)\b"))
_add("message email call request chat ticket delivery visit slot attempt replacement engineer complaint", _p("repeat_contact", 0.6, r"\b(?:second|2nd|third|3rd|fourth|4th|fifth|5th|umpteenth) (?:message|email|call|request|chat|ticket|delivery|visit|slot|attempt|replacement|engineer|complaint)\b"))
_add("time", _p("repeat_contact", 0.4, r"\b(?:properly|actually|really|right) this time\b"))
_add("different", _p("repeat_contact", 0.45, r"\b(?:every|each) (?:agent|person|one|time) (?:\w+ )?(?:tells|says|said|told) (?:me )?(?:something|a) different\b|\bdifferent (?:answer|story) (?:every|each)\b"))
# "by mistake" is the customer's own slip; "your mistake" is a complaint.
_add("mistake mistakes", _p("frustration", 0.2, r"\b(?:your|a|another|big|huge|same|the|these|this|stupid) mistakes?\b"))
_add("shove", _p("frustration", 0.6, r"\bshove (?:it|your)\b"))
_add("penny cent", _p("compensation", 0.4, r"\bevery (?:single )?(?:penny|cent)\b"))
_add("cancel", _p("churn", 0.45, r"\bcancel (?:my|our|the) (?:account|subscription|service|plan|contract|membership)\b"))

# Dissatisfaction with what was offered, demands and deadlines.
_add("neg_enough", _p("frustration", 0.45, r"\bneg_enough (?:\||$)"))
_add("neg_want", _p("frustration", 0.5, r"\bneg_want (?:another|more|any more|your) (?:apology|apologies|excuses?|sorry)\b"))
_add("want need expect demand", _p("frustration", 0.4,
     r"(?<!all )\bi (?:want|need|expect|demand) (?:\w+ ){0,6}?(?:now|today|immediately|asap|right away|this minute)\b"
     r"|\bi (?:want|expect|demand) (?:it|this|the|my|a|an|full|every)\b(?: \w+){0,4}? (?:refunded|fixed|sorted|resolved|replaced|credited|removed|reversed)\b"
     r"|\bi demand\b"),
     _p("frustration", 0.3, r"\b(?:need|want|expect) (?:\w+ ){0,7}?by (?:the end of )?(?:today|tonight|tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|sunday|end of (?:the )?(?:day|week))\b"))
_add("else cancel cancelling canceling leaving moving switching", _p("churn", 0.5, r"\bor (?:else|i'?m|i'?ll|i will|i am) (?:\w+ ){0,2}?(?:cancel\w*|leav\w*|moving|switch\w*|going elsewhere|done)\b"))
_add("chance", _p("frustration", 0.5, r"\blast chance\b"))
_add("patience patient", _p("frustration", 0.5, r"\bpatience (?:has |is )?(?:run|running|ran|worn|wearing) (?:out|thin)\b|\bout of patience\b|\bi'?ve been (?:very |more than )?patient\b"))
_add("anywhere neg_getting", _p("frustration", 0.4, r"\bneg_getting anywhere\b"))
_add("done", _p("frustration", 0.5, r"\bi'?m (?:so |just )?done (?:waiting|with (?:this|you|your)|talking)\b"))
_add("anyone anybody", _p("frustration", 0.6, r"\bany(?:one|body) (?:\w+ )?(?:competent|capable)\b"),
     _p("frustration", 0.35, r"\bis (?:there )?any(?:one|body) (?:actually |even |at all )?(?:looking|reading|listening|working on|going to (?:answer|reply|help|respond))\b"))
_add("paying", _p("compensation", 0.4, r"\bwho(?:'s| is) (?:going to )?(?:pay|paying) for\b"))
_add("wasting", _p("frustration", 0.45, r"\bwasting (?:my|our) (?:time|money|day)\b"))
_add("nobody noone neg_one", _p("frustration", 0.45, r"\b(?:nobody|no one|no neg_one|noone) (?:can|could|will|seems to|is able to) (?:\w+ )?(?:tell|explain|help|answer|give)\b"))
_add("nobody noone neg_one", _p("frustration", 0.45, r"\b(?:nobody|no one|no neg_one|noone) (?:ever )?(?:tells|told|explains|explained|updates|updated|informs|informed) (?:me|us)\b"))
_add("cares", _p("frustration", 0.45, r"\b(?:nobody|no one|no neg_one) (?:\w+ )?cares\b"))
_add("worst", _p("frustration", 0.55, r"\bworst (?:support|service|company|experience|customer)\b"))
_add("job", _p("frustration", 0.55, r"\bdo (?:your|ur) (?:damn |bloody |fucking |freaking )?job\b"))
_add("lied", _p("frustration", 0.55, r"\bbeen lied to\b|\byou lied\b|\blied to (?:me|us)\b"))
# Sarcasm: thanks and praise that mean the opposite.
_add("nothing", _p("frustration", 0.7, r"\bthanks? (?:you )?(?:so much |a lot |very much )?for nothing\b"))
_add("great perfect brilliant wonderful fantastic lovely", _p("frustration", 0.7, r"\b(great|perfect|brilliant|wonderful|fantastic|lovely) (?:\| )?just \1\b"))
_add("oh", _p("frustration", 0.45, r"^oh (?:\| )?(?:great|perfect|brilliant|wonderful|fantastic|lovely)\b(?! (?:\| )?(?:thanks?|thank|ty|cheers|that'?s|it (?:works|worked)))"))
_add("wow", _p("frustration", 0.35, r"^wow (?:\| )?(?:so|just|really|and|another)\b"))
_add("called", _p("frustration", 0.4, r"\bso called\b"))
_add("copy", _p("frustration", 0.35, r"\bcopy (?:and |& )?paste\b"))

# General forms of the same signs, written from the brief's list rather than from any one message.
_add("nothing", _p("delay", 0.35, r"\bheard nothing\b|\bnothing (?:yet|back|so far)\b|\bnothing neg_has (?:changed|happened|moved)\b"))
_add("already", _p("repeat_contact", 0.4, r"\btried (?:that|this|it|everything) already\b"))
_add("actual straight proper", _p("frustration", 0.35, r"\b(?:an? )?(?:actual|real|straight|proper) (?:date|answer|reply|response|timeline|update|explanation)\b"))
# Urgency as a phrase, not a topic word, so "not urgent" stays calm.
_add("urgent urgently asap", _p("delay", 0.3, r"\b(?:urgent|urgently|asap)\b"))
_add("expected", _p("frustration", 0.4, r"\bexpected (?:better|more)\b"))
_add("really", _p("frustration", 0.3, r"^really (?:\||$)"))
_add("neg_first", _p("repeat_contact", 0.5, r"\bneg_first time\b"))
_add("never", _p("repeat_contact", 0.4, r"\bnever (?:arrived|happened|showed up|materiali[sz]ed)\b"))

# Everyday support words whose tweet-learned anger weights mislead in a support chat ("service",
# "minutes", "account" read angry on Twitter; "want", "week", "still" read calm). Not learned from.
SUPPORT_NEUTRAL = frozenset(
    "service services account accounts money minutes minute hours hour day days week weeks month months "
    "want wants wanted still someone anyone anybody pay paid paying refund order orders looking says put "
    "return decision many evening morning monday tuesday wednesday thursday friday saturday sunday "
    "today tomorrow yesterday update phone email card bill plan mistake don't dont supposed "
    # Role words and job titles: "As Director of Customer Experience", "our account manager".
    "customer customers manager managers director experience support team agent head officer lead "
    "executive president owner staff rep representative admin "
    # The words of an ordinary request, which tweets use angrily ("people like you", "please stop").
    "like please need needed way tracking delivered delivery package parcel app version change add extra "
    "try call back let say until instead ship shipping ticket bag use move moved cover works done company "
    "bank emails address seat switch late ask sorting".split()
)
# Polite markers: a message that only reports a problem, politely, stays calm.
POLITE = frozenset({"please", "thanks", "thank", "thx", "hi", "hello", "hey", "appreciate", "sorry", "kindly", "cheers"})
# A single shouted word that carries the demand ("I want a supervisor NOW").
SHOUTED = frozenset({"NOW", "AGAIN", "WHEN", "WHERE", "WHY", "STILL", "NEVER", "TODAY"})


# Every word the tokenizer should recognise when undoing masks ("f*ck") and elongations.
KNOWN_WORDS: frozenset[str] = frozenset(
    set(PROFANITY) | set(INSULT_NOUNS) | set(INSULT_ADJECTIVES) | SLURS | set(FRUSTRATION)
    | {"you", "your", "fine", "whatever", "so", "no", "please"}
)
