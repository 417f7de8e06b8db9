"""The Spanish cue lists behind the detector's signals (read by bot/detector_es.py).

Everything here is written *folded*: lower case, accents dropped and ñ read as n, so "inútil",
"inutil" and "INÚTIL" are one word, and a customer typing without accents is read the same.
Single words are found per token; multi-word cues are regexes hung on an anchor word and searched
in the folded text only when that anchor is present. Weights are strengths in [0, 1], on the same
scale as the English lists (bot/detector_lexicon.py), so a level means the same in both languages.
Written for this project from Spanish support-chat usage (Spain and Latin America), not copied.
"""

from __future__ import annotations

import re

from bot.detector_lexicon import SLURS as _ENGLISH_SLURS
from bot.detector_lexicon import Phrase

# --- single words -------------------------------------------------------------------------

FRUSTRATION = {
    "inaceptable": 0.6, "inadmisible": 0.6, "intolerable": 0.6, "indignante": 0.55, "indignado": 0.55,
    "indignada": 0.55, "ridiculo": 0.45, "ridicula": 0.45, "absurdo": 0.4, "absurda": 0.4,
    "frustrado": 0.45, "frustrada": 0.45, "frustrante": 0.45, "harto": 0.5, "harta": 0.5, "hartos": 0.5,
    "molesto": 0.35, "molesta": 0.3, "enfadado": 0.5, "enfadada": 0.5, "enojado": 0.5, "enojada": 0.5,
    "cabreado": 0.55, "cabreada": 0.55, "furioso": 0.6, "furiosa": 0.6, "vergonzoso": 0.5,
    "verguenza": 0.45, "lamentable": 0.45, "penoso": 0.45, "penosa": 0.45, "pesimo": 0.45, "pesima": 0.45,
    "horrible": 0.35, "terrible": 0.35, "nefasto": 0.5, "nefasta": 0.5, "deplorable": 0.5,
    "impresentable": 0.5, "desastre": 0.4, "chapuza": 0.45, "estafa": 0.5, "estafado": 0.5,
    "estafada": 0.5, "timo": 0.5, "fraude": 0.5, "robo": 0.5, "robando": 0.45, "mentira": 0.4,
    "mentiras": 0.45, "enganado": 0.45, "enganada": 0.45, "decepcionado": 0.3, "decepcionada": 0.3,
    "decepcionante": 0.3, "decepcion": 0.3, "insatisfecho": 0.35, "insatisfecha": 0.35,
    "descontento": 0.35, "descontenta": 0.35, "disgustado": 0.4, "disgustada": 0.4,
    "incompetencia": 0.5, "basura": 0.4, "porqueria": 0.45, "cutre": 0.35, "inservible": 0.45,
    "colmo": 0.45, "surrealista": 0.35, "incorrecto": 0.25, "incorrecta": 0.25, "confuso": 0.2,
    "uf": 0.2, "buf": 0.25, "puf": 0.2, "exijo": 0.4, "estafadores": 0.5,
    # A good word negated is how polite customers complain: "no es aceptable", "no estoy contento".
    "neg_aceptable": 0.5, "neg_normal": 0.35, "neg_contento": 0.35, "neg_contenta": 0.35,
    "neg_satisfecho": 0.35, "neg_satisfecha": 0.35, "neg_justo": 0.35, "neg_serio": 0.4,
    "neg_ideal": 0.3, "neg_sirve": 0.35, "neg_ayuda": 0.3, "neg_ayudais": 0.35, "neg_ayudan": 0.35,
}
DELAY = {
    "esperando": 0.25, "esperado": 0.3, "retraso": 0.25, "retrasos": 0.3, "retrasado": 0.25,
    "retrasada": 0.25, "atrasado": 0.25, "atrasada": 0.25, "demora": 0.25, "demorado": 0.25,
    "eternidad": 0.35, "siglos": 0.25, "tardando": 0.25,
}
# Urgency said as a word; negated ("no es urgente") it says the opposite, so it is not kept negated.
URGENCY = {"urgente": 0.3, "urgentemente": 0.3, "urgencia": 0.3}
REPEAT_CONTACT = {
    "ignorado": 0.4, "ignorada": 0.4, "ignoran": 0.4, "ignorando": 0.4, "ignorais": 0.45,
    "reiteradamente": 0.35, "repetidamente": 0.35, "insisto": 0.3,
}
TRANSFER = {"transferido": 0.3, "transferida": 0.3, "redirigido": 0.25, "redirigida": 0.25}
REFUND = {
    "reembolso": 0.1, "reembolsar": 0.1, "reembolsen": 0.1, "reembolsado": 0.1, "devolucion": 0.1,
    "abono": 0.1, "reintegro": 0.1,
}
BILLING = {
    "cobro": 0.1, "cobros": 0.1, "cobrado": 0.1, "cobrar": 0.05, "cobran": 0.1, "cobrando": 0.1,
    "cargo": 0.05, "cargos": 0.1, "factura": 0.05, "facturado": 0.1, "facturacion": 0.05,
    "pago": 0.05, "suscripcion": 0.05, "cuota": 0.05, "tarifa": 0.05, "recibo": 0.05, "duplicado": 0.1,
}
OUTAGE = {"caido": 0.15, "caida": 0.15, "apagon": 0.2, "interrupcion": 0.15, "averia": 0.2}
# (the phrase "sin luz / sin internet / sin servicio" is below)
DEFECT = {
    "roto": 0.2, "rota": 0.2, "defectuoso": 0.25, "defectuosa": 0.25, "estropeado": 0.2,
    "estropeada": 0.2, "danado": 0.2, "danada": 0.2, "fallo": 0.15, "falla": 0.15, "averiado": 0.2,
    "bug": 0.1, "neg_funciona": 0.2, "neg_funcionan": 0.2, "neg_enciende": 0.2,
}
# "cancelar" alone is often an errand ("cancelar el segundo pedido"); leaving is said by the phrases.
CHURN = {
    "cancelar": 0.25, "cancelando": 0.4, "cancelacion": 0.25, "competencia": 0.4, "competidor": 0.4,
    "competidores": 0.4,
}
LEGAL = {
    "abogado": 0.7, "abogados": 0.7, "abogada": 0.7, "demanda": 0.6, "demandar": 0.7, "demandare": 0.7,
    "demandaros": 0.7, "demando": 0.7, "demandamos": 0.7, "denuncio": 0.65, "denuncia": 0.6, "denunciar": 0.6, "denunciare": 0.65, "denunciaros": 0.65,
    "juicio": 0.5, "tribunales": 0.6, "juzgado": 0.6, "omic": 0.55, "facua": 0.55, "profeco": 0.6,
    "retrocargo": 0.6, "contracargo": 0.6, "reclamaciones": 0.5,
}
PUBLIC = {
    "trustpilot": 0.5, "twitter": 0.3, "facebook": 0.3, "instagram": 0.3, "tiktok": 0.3, "reddit": 0.3,
}
AUTHORITY = {"escalar": 0.45, "escalen": 0.45, "escaleis": 0.45}
COMPENSATION = {
    "compensacion": 0.45, "compensar": 0.4, "compensen": 0.45, "compenseis": 0.45,
    "indemnizacion": 0.5, "indemnizar": 0.5, "indemnicen": 0.5,
}

# Swearing on its own ("qué mierda", "joder"); aimed at a person it becomes abuse (phrases, insults).
PROFANITY = {
    "mierda": 0.5, "mierdas": 0.5, "joder": 0.45, "jodido": 0.45, "jodida": 0.45, "jodidos": 0.45,
    "puta": 0.45, "puto": 0.45, "putas": 0.45, "putos": 0.45, "cono": 0.4, "carajo": 0.45,
    "cojones": 0.45, "hostia": 0.35, "hostias": 0.35, "ostia": 0.35, "leches": 0.2, "diablos": 0.2,
    "demonios": 0.2, "chingada": 0.5, "chingado": 0.5, "pinche": 0.4, "maldito": 0.35, "maldita": 0.35,
    "malditos": 0.35, "malditas": 0.35, "mames": 0.3, "cagada": 0.4, "cago": 0.45, "wtf": 0.45, "verga": 0.45,
}
# Words that name a person as contemptible: abuse when aimed at someone.
INSULT_NOUNS = {
    "idiota": 0.7, "idiotas": 0.7, "imbecil": 0.75, "imbeciles": 0.75, "gilipollas": 0.8,
    "capullo": 0.7, "capullos": 0.7, "cabron": 0.8, "cabrones": 0.8, "cabrona": 0.8, "pendejo": 0.8,
    "pendejos": 0.8, "pendeja": 0.8, "payaso": 0.5, "payasos": 0.5, "payasa": 0.5, "subnormal": 0.85,
    "subnormales": 0.85, "mongolo": 0.85, "tarado": 0.7, "tarados": 0.7, "cretino": 0.75, "cretinos": 0.75,
    "anormal": 0.8, "anormales": 0.8, "hijoputa": 0.9, "hdp": 0.85, "ctm": 0.85, "malparido": 0.85,
    "malparidos": 0.85, "mamon": 0.6, "pringado": 0.5, "ladron": 0.55, "ladrones": 0.55, "ladrona": 0.55,
    "mentiroso": 0.55, "mentirosos": 0.55, "mentirosa": 0.55, "sinverguenza": 0.6, "sinverguenzas": 0.6,
    "estafador": 0.6, "estafadora": 0.6, "zorra": 0.85, "perra": 0.8, "cerdo": 0.5, "cerdos": 0.5,
    "escoria": 0.75, "lerdo": 0.6, "lerdos": 0.6, "zoquete": 0.6, "pelele": 0.5, "boludo": 0.45,
    "boludos": 0.45, "desgraciado": 0.7, "desgraciados": 0.7, "desgraciada": 0.7,
}
# Words that describe a person as contemptible only when said of "you" ("eres un inútil");
# said of a thing ("este estúpido formulario") they are frustration.
INSULT_ADJECTIVES = {
    "estupido": 0.6, "estupida": 0.6, "estupidos": 0.6, "estupidas": 0.6, "tonto": 0.55, "tonta": 0.55,
    "tontos": 0.55, "tontas": 0.55, "inutil": 0.55, "inutiles": 0.6, "incompetente": 0.6,
    "incompetentes": 0.6, "inepto": 0.6, "inepta": 0.6, "ineptos": 0.6, "ineptas": 0.6,
    "ignorante": 0.5, "ignorantes": 0.5, "patetico": 0.55, "patetica": 0.55, "pateticos": 0.55,
    "mediocre": 0.45, "mediocres": 0.45, "asqueroso": 0.55, "asquerosa": 0.55, "asquerosos": 0.55,
    "vago": 0.45, "vagos": 0.45, "negligente": 0.5, "negligentes": 0.5, "sordo": 0.4, "sorda": 0.4,
}
# Who "you" is: pronouns and the second-person verbs Spanish drops the pronoun with ("eres un…").
SECOND_PERSON = frozenset({
    "tu", "te", "ti", "usted", "ustedes", "vosotros", "vosotras", "os", "contigo", "vos", "eres", "sois",
    "sos", "estas", "estais", "pareces", "pareceis", "seras", "sereis",
})
# Determiners before a swear word say it is aimed at a thing ("esta mierda de app", "la puta app").
OBJECT_DETERMINERS = frozenset({
    "este", "esta", "esto", "ese", "esa", "eso", "el", "la", "los", "las", "lo", "mi", "mis", "su", "sus",
    "vuestro", "vuestra", "que", "menuda", "menudo", "vaya", "una", "un", "otra", "otro", "de", "y",
})
SLURS = _ENGLISH_SLURS | frozenset({
    "sudaca", "sudacas", "maricon", "maricones", "mariconazo", "negrata", "negratas",
    "panchito", "panchitos", "travelo", "travelos", "bollera", "bolleras", "tortillera", "tortilleras",
    "machorra", "machorras",
})

# Gratitude and assent that make a short reply friendly rather than terse.
FRIENDLY = frozenset({
    "gracias", "grax", "genial", "perfecto", "perfecta", "estupendo", "fenomenal", "guay", "maravilla",
    "agradezco", "amable", "excelente", "porfa", "favor", "saludos", "buenisimo", "mil", "crack",
})
# Replies that close a conversation down: the terse tone.
TERSE_WORDS = frozenset({
    "vale", "ok", "okay", "ya", "bueno", "bien", "claro", "si", "entendido", "aja", "sea", "igual",
    "vaya", "olvidalo", "nada", "pues", "k", "quieras", "venga",
})
# Replies that read as shutting down even with no history.
DISMISSIVE = frozenset({
    "da igual", "lo que sea", "como sea", "olvidalo", "ya ya", "pues nada", "me da igual", "como quieras",
    "vale ya", "bueno vale", "si si", "ya, claro", "ya claro",
})
# Polite markers: a message that only reports a problem, politely, stays calm.
POLITE = frozenset({
    "favor", "porfa", "gracias", "hola", "buenas", "buenos", "disculpa", "disculpe", "disculpad",
    "perdona", "perdone", "perdon", "amable", "agradeceria", "agradezco", "saludos", "podrias", "podria",
    "podriais", "podrian", "gustaria", "seria",
})
# Single shouted words that carry the demand ("lo quiero YA"), even when short.
SHOUTED = frozenset({"YA", "AHORA", "HOY", "NUNCA", "VEZ", "DONDE", "CUANDO", "NADIE", "NADA", "SIGUE", "TODAVIA"})
# Capitalised words that are names, not shouting.
ACRONYMS = frozenset({
    "DNI", "NIF", "NIE", "CIF", "IVA", "PDF", "IBAN", "SMS", "URL", "APP", "UE", "EEUU", "ADSL", "FAQ",
    "WIFI", "ONT", "SIM", "PIN", "PUK", "DHL", "UPS", "SEUR", "MRW", "GLS", "USB", "API", "VPN", "IOS",
    "RGPD", "LOPD", "OCU", "OMIC", "FACUA", "PROFECO", "CEO", "EUR", "USD", "MXN", "IBM", "RFC", "CURP",
})

# --- the thread ---------------------------------------------------------------------------

# Words that say nothing about what a question is about (for "the same question again").
STOP = frozenset(
    "a al algo alguien ante con de del desde el ella ellos en entre es esta este esto eso esa estan estoy "
    "ha han hay he la las le les lo los me mi mis muy nada no nos o os para pero por porque que se si sin "
    "su sus te tengo tiene tu un una uno unos unas y ya yo hola gracias favor buenas buenos dias tardes "
    "vale ok pues bueno mas otra vez sigue todavia aun cuando donde como cual quien puedo puede podeis "
    "pueden podrias podria".split()
)
QUESTION_WORDS = frozenset(
    "donde cuando por que como cual cuales quien cuanto cuanta cuantos cuantas puedo puedes puede podeis "
    "pueden podrias podria hay teneis tienen sabeis saben es esta estan".split()
)

# Negation: the next content word is read as negated ("no es aceptable" -> neg_aceptable), past
# clitics and auxiliaries that sit between them in Spanish.
NEGATORS = frozenset({"no", "nunca", "jamas", "ni", "tampoco", "sin", "nadie", "ningun", "ninguna", "ninguno"})
NEGATION_SKIPS = frozenset(
    "me te se lo la le los las les nos os es son esta estoy estan estamos estais era fue ha han he hemos "
    "habeis has hay sera estaba muy tan del todo mucho demasiado".split()
)

# --- multi-word cues ------------------------------------------------------------------------


def _p(kind: str, weight: float, regex: str) -> Phrase:
    return Phrase(kind, weight, re.compile(regex))


_N = r"(?:\d+|un par de|unos|unas|varios|varias|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|quince|veinte|muchos|muchas|tantos|tantas)"
_UNITS = r"(?:horas|dias|semanas|meses)"
_INSULT_WORDS = (
    r"inutiles|incompetentes|idiotas|ineptos|ladrones|chorizos|payasos|imbeciles|mentirosos|estafadores|"
    r"sinverguenzas|tarados|subnormales|cabrones|gilipollas|cretinos|vagos|mediocres"
)
_INSULTS = rf"(?:{_INSULT_WORDS})"
_YOU = r"(?:te|os|le|les)"

# anchor token -> phrases searched for in the folded text when that token is present.
PHRASES: dict[str, tuple[Phrase, ...]] = {}


def _add(anchors: str, *phrases: Phrase) -> None:
    for anchor in anchors.split():
        PHRASES[anchor] = PHRASES.get(anchor, ()) + phrases


# Waiting.
# "todavía no" is also how a first, calm report says "not yet"; "sigo esperando" is waiting stressed.
_add("todavia aun sigo sigue siguen seguimos",
     _p("delay", 0.45, r"\b(?:sigo|sigue|siguen|seguimos) (?:sin|esperando|igual|pendiente|bloquead\w+|cobrando|apareciendo|saliendo|fallando|roto|rota|caid\w|teniendo|dando|con el mismo|con la misma)\b|\b(?:todavia|aun) (?:sigo|sigue|estoy esperando|esperando|nada)\b"),
     _p("delay", 0.3, r"\b(?:todavia|aun) no\b"))
_add("hace desde llevo llevamos horas dias semanas meses semana mes",
     _p("delay", 0.45, rf"\b(?:desde hace|hace|llevo|llevamos|mas de|casi|ya van|van) (?:ya )?(?:mas de |casi )?{_N} {_UNITS}\b|\b{_N} {_UNITS} (?:ya|esperando|despues|sin)\b|\b(?:hace|desde hace|mas de) (?:una|un) (?:semana|mes)\b|\bsemanas (?:esperando|ya)\b"))
_add("desde", _p("delay", 0.3, r"\bdesde (?:el )?(?:lunes|martes|miercoles|jueves|viernes|sabado|domingo|ayer|anteayer|el mes pasado|la semana pasada|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre|el dia \d|\d)"))
_add("cuanto tiempo tarda tardan tardais tanto falta queda",
     # "¿cuánto tarda un envío?" is a question; "¿cuánto más tengo que esperar?" is waiting stressed.
     _p("delay", 0.35, r"\bcuanto (?:tiempo )?mas\b|\bcuanto (?:tiempo )?(?:tengo|tenemos|hay|voy a tener) que esperar\b|\bcuanto (?:os |les |te )?(?:va a|vais a|van a) (?:tardar|costar)\b|\bcuanto (?:le |les |os )?(?:falta|queda)\b|\btanto tiempo\b|\b(?:tarda|tardan|tardais|tardando) (?:tanto|demasiado|una eternidad|siglos)\b"))
_add("otra otros otras", _p("delay", 0.4, r"\botr[ao]s? (?:\d+(?: a \d+)? )?(?:(?:mas|dias habiles|horas) )?(?:semana|mes|dia|dias|semanas|horas|meses)(?: mas| de espera)?\b"))
_add("espera", _p("delay", 0.4, r"\b(?:en espera|a la espera|esperando en linea)\b(?: \w+){0,2} (?:desde|durante|mas de|hace)\b|\b(?:me|nos) (?:tienen|teneis|tiene) (?:en espera|esperando)\b"))
_add("noticias novedades rastro", _p("delay", 0.35, r"\b(?:sin|ninguna|ni una|no hay|ni) (?:noticias|novedades|novedad)\b|\bni rastro\b"))
_add("tenia tenian deberia deberian supuestamente", _p("delay", 0.4, r"\b(?:tenia|tenian|deberia|deberian|deberia haber|supuestamente) (?:que )?(?:haber )?(?:llegado|llegar|estar|haberse|resuelto|solucionado|enviado|devuelto)\b"))
_add("cuanto antes posible inmediato inmediatamente", _p("delay", 0.3, r"\b(?:cuanto antes|lo antes posible|de inmediato|inmediatamente)\b"))
_add("nada", _p("delay", 0.35, r"\bnada (?:todavia|aun|de nada|por ahora)\b|\by nada\b"))
_add("paso pasaron pasado", _p("delay", 0.4, rf"\bya (?:paso|pasaron|han pasado|ha pasado) (?:mas de )?(?:una|un|{_N}) (?:semana|mes|dia|semanas|meses|dias|horas)\b"))
_add("toda todo", _p("delay", 0.35, r"\b(?:toda la (?:manana|tarde|noche|semana)|todo el (?:dia|mes|fin de semana))\b"))

# Coming back: repeat contact, broken promises, the same trouble again.
_add("vez", _p("repeat_contact", 0.5, r"\b(?:segunda|2a) vez\b"), _p("repeat_contact", 0.65, r"\b(?:tercera|cuarta|quinta|enesima|3a|4a|5a) vez\b"))
# "me habéis cobrado dos veces" is a double charge, not the customer coming back.
_CHARGED = r"(?<!cobrado )(?<!cobrais )(?<!cobraron )(?<!cobrasteis )(?<!cargado )(?<!facturado )(?<!pagado )(?<!cobrando )"
_add("veces", _p("repeat_contact", 0.5, rf"\bcuantas veces\b|{_CHARGED}\b(?:\d+|tres|cuatro|cinco|seis|diez|mil|varias|muchas|tantas) veces\b"),
     _p("repeat_contact", 0.45, rf"{_CHARGED}\bdos veces\b"),
     _p("billing", 0.3, r"\b(?:cobrado|cobrais|cobraron|cobrasteis|cargado|facturado|cobrando) (?:\w+ ){0,2}?(?:dos|tres|\d+) veces\b"))
_add("doble duplicado", _p("billing", 0.3, r"\b(?:cargo|cobro|pago) (?:doble|duplicado)\b|\bdoble (?:cargo|cobro)\b"))
_add("otra nuevo", _p("repeat_contact", 0.35,
     r"\b(?:falla\w*|fallado|cobra\w*|caid[oa]|cae|roto|rota|pasa|pasando|pasado|escribiendo|llamando|explicando|preguntando|pidiendo|igual|bloquea\w*|aparece)(?: \w+){0,2} (?:otra vez|de nuevo)\b|^(?:otra vez|de nuevo)\b|\botra vez (?:lo mismo|igual|el mismo|la misma|cobrad\w*|caid\w|roto|rota|fallando|sin)\b"))
_add("ya", _p("repeat_contact", 0.45,
     r"\bya (?:(?:os|te|les|se|lo|la|me) ){0,2}(?:(?:he|habia|hemos) )?(?:dicho|dije|explicado|explique|enviado|envie|mandado|mande|llamado|llame|escrito|escribi|preguntado|pregunte|probado|probe|intentado|intente|hecho|hice|dado|di|reiniciado|reinicie|contestado|adjuntado|adjunte)\b"))
_add("nadie nunca", _p("repeat_contact", 0.5, r"\b(?:nadie|nunca) (?:me |nos )?(?:contesta|contestan|contesto|responde|responden|respondio|llamo|llama|llaman|devolvio|vino|aparecio|escribio|dijo nada|ha llamado|ha contestado|ha respondido|se ha puesto)\b"))
_add("respuesta contestado respondido contestan responden contestais respondeis llamado",
     _p("repeat_contact", 0.5, r"\b(?:sin|ninguna|ni una|no tengo|no he tenido|no hay) respuesta\b|\bno (?:me |nos )?(?:han|ha|habeis) (?:contestado|respondido|llamado|dicho nada)\b|\bno (?:me |nos )?(?:contestan|responden|contestais|respondeis)\b"))
_add("dijeron dijisteis dijiste dijo prometieron prometisteis prometiste prometio aseguraron asegurasteis aseguro dicho prometido",
     _p("repeat_contact", 0.4, r"\bme (?:dijeron|dijisteis|dijiste|dijo|prometieron|prometisteis|prometiste|prometio|aseguraron|asegurasteis|aseguro)\b|\b(?:me|nos) (?:habian|habiais|habia|han|habeis) (?:dicho|prometido|asegurado)\b"))
_add("agente companero companera chico chica operador operadora persona",
     _p("repeat_contact", 0.35, r"\b(?:el|la|tu|vuestro|vuestra|su) (?:otr[oa]|anterior|ultim[oa]) (?:agente|companer[oa]|chic[oa]|operador|operadora|persona)\b|\b(?:agente|companer[oa]|chic[oa]|operador|operadora|persona) (?:anterior|de ayer|de antes)\b"))
_add("mismo misma", _p("repeat_contact", 0.45, r"\b(?:lo mismo|la misma (?:respuesta|excusa|historia|cantinela))\b(?: \w+){0,3}? (?:que|de) (?:la ultima vez|ayer|antes|siempre|la otra vez)\b|\bsiempre (?:lo mismo|la misma)\b|\bla misma (?:respuesta|excusa|historia|cantinela)\b"))
_add("llamadas correos emails mails chats tickets mensajes",
     _p("repeat_contact", 0.45, r"\b(?:\d+|dos|tres|cuatro|cinco|seis|varios|varias|muchos|muchas) (?:llamadas|correos|emails|mails|chats|tickets|mensajes)\b"))
_add("mensaje correo email ticket chat llamada reclamacion",
     _p("repeat_contact", 0.6, r"\b(?:segundo|tercer|tercero|cuarto|quinto|enesimo) (?:mensaje|correo|email|ticket|chat)\b|\b(?:segunda|tercera|cuarta|quinta|enesima) (?:llamada|reclamacion)\b"))
_add("distinto distinta diferente cada", _p("repeat_contact", 0.45, r"\bcada (?:agente|persona|uno|vez|dia) (?:me )?(?:dice|cuenta|da) (?:algo|una cosa|una respuesta) (?:distint[oa]|diferente)\b"))
_add("vuelve vuelto volvio", _p("repeat_contact", 0.35, r"\b(?:ha )?(?:vuelve|vuelto|volvio) a (?:fallar|pasar|cobrar|caerse|romperse|bloquearse|cortarse|salir)\b"))
_add("siempre", _p("repeat_contact", 0.3, r"\bcomo siempre\b"))
_add("vez", _p("repeat_contact", 0.4, r"\besta vez (?:de verdad|bien|en serio)\b|\bde una vez\b"))

# Being passed around.
_add("pasan pasais pasaron pasasteis pasado derivan derivaron derivado transfieren transfirieron transferido mandan mandaron mandado remiten departamento lado",
     _p("transfer", 0.45, r"\b(?:me )?(?:pasan|pasais|pasaron|pasasteis|pasado|derivan|derivaron|derivado|transfieren|transfirieron|transferido|mandan|mandaron|mandado|remiten)(?: \w+){0,2} (?:de un (?:departamento|lado|agente|sitio) a otro|a otro (?:departamento|agente|companero|sitio)|a otra persona|con otro)\b|\botro departamento\b|\bde un (?:lado|departamento|agente|sitio) (?:para|a) otro\b|\bde departamento en departamento\b"))

# Anger and exasperation said in phrases.
_add("hasta narices gorro coronilla", _p("frustration", 0.55, r"\bhasta (?:las narices|el gorro|la coronilla|los huevos|los cojones)\b"))
_add("harto harta hartos cansado cansada", _p("frustration", 0.55, r"\b(?:harto|harta|hartos|cansado|cansada) de\b|\bestoy (?:muy |ya |super |tan )?(?:harto|harta|cansado|cansada)\b"))
_add("canse cansado cansada", _p("frustration", 0.55, r"\b(?:ya )?me (?:he )?(?:canse|cansado) de\b"))
_add("cansando hartando cabreando enfadando enojando", _p("frustration", 0.5, r"\bme (?:estoy|estais|estas) (?:cansando|hartando|cabreando|enfadando|enojando)\b"))
_add("tomadura pelo broma cachondeo locura colmo", _p("frustration", 0.6, r"\btomadura de pelo\b|\btomando el pelo\b|\b(?:es|sera|esto es) (?:una )?(?:broma|cachondeo|locura)\b|\bel colmo\b"))
_add("riendo burlando vacilando", _p("frustration", 0.6, r"\b(?:me|nos) (?:estas|estais|esta|estan) (?:riendo|burlando|vacilando)\b|\b(?:os|se) (?:estais|estan) (?:riendo|burlando) de (?:mi|nosotros)\b"))
_add("perdida perder perdiendo", _p("frustration", 0.45, r"\b(?:una )?perdida de (?:tiempo|dinero)\b|\b(?:perdiendo|perder) (?:mas )?(?:el|mi|nuestro) tiempo\b|\bhaceis perder el tiempo\b"))
_add("serio", _p("frustration", 0.35, r"\ben serio\b(?! \| gracias)"))
_add("creer", _p("frustration", 0.4, r"\bno (?:me )?(?:lo )?(?:puedo|puede) creer\b"))
_add("puede", _p("frustration", 0.35, r"\bno puede ser\b"))
_add("basta", _p("frustration", 0.5, r"\bbasta (?:ya|de)\b|^basta\b"))
_add("paciencia", _p("frustration", 0.6, r"\bpaciencia (?:se (?:me )?(?:ha )?(?:agotado|acabado|acaba|agota)|tiene (?:un )?limite)\b|\b(?:se me|me) (?:ha |he )?(?:acabado|agotado) (?:la )?paciencia\b|\bsin paciencia\b"))
_add("paciente", _p("frustration", 0.5, r"\b(?:he|hemos) sido (?:muy |mas que |bastante )?paciente"))
_add("ultima oportunidad", _p("frustration", 0.5, r"\bultima (?:oportunidad|vez que)\b"))
_add("escuchando leyendo entendiendo escuchais leeis", _p("frustration", 0.55, r"\bno (?:me )?(?:estas|estais|esta|estan) (?:escuchando|leyendo|entendiendo)\b|\bno (?:me )?(?:escuchais|leeis|escuchas)\b"))
_add("leido leed lee lea leer", _p("frustration", 0.5, r"\b(?:has|habeis|ha|han) leido (?:mi|el|lo que)\b|\b(?:leed|lee|lea|leer) (?:bien )?(?:mi|el) (?:mensaje|correo|ticket)\b"))
_add("digas digais diga", _p("frustration", 0.4, r"\bno me (?:digas|digais|diga) que (?:\w+ ){0,3}?(?:otra vez|de nuevo|reinici\w*|vuelva a|espere)"))
_add("fecha respuesta solucion explicacion", _p("frustration", 0.35, r"\b(?:fecha|respuesta|solucion|explicacion) (?:concreta|clara|real|de verdad|seria)\b"))
_add("cono demonios diablos carajo narices leches", _p("frustration", 0.55, r"\bque (?:coño|cono|demonios|diablos|carajo|narices|leches|mierda) (?:le |os |te )?(?:pasa|pasa con|ocurre|haceis|estais haciendo)\b"))
_add("pedido pregunte pedi dije preguntado", _p("frustration", 0.45, r"\bno es lo que (?:he |os he |te he |le he )?(?:pedido|preguntado|dicho|pedi|pregunte|dije)\b|\b(?:eso|esto) no (?:es|fue) lo que (?:pregunte|pedi|dije)\b"))
_add("pregunta", _p("frustration", 0.4, r"\bno (?:contestas|contestais|contesta|responde|respondes|respondeis) a (?:mi|la) pregunta\b|\b(?:contestad|contesta|responded|responde|conteste|responda) (?:a )?(?:mi|la) pregunta\b"))
_add("rindo", _p("frustration", 0.5, r"\bme rindo\b"))
_add("sirve sirven", _p("frustration", 0.45, r"\b(?:para que|de que) (?:me )?(?:sirve|sirven)\b|\bno (?:me )?sirve (?:de|para) nada\b"))
_add("robot bot maquina contestador", _p("frustration", 0.35, r"\b(?:hablo|estoy hablando|hablando) con (?:un|una) (?:robot|bot|maquina|contestador)\b|\b(?:eres|sois) (?:un |una )?(?:robot|bot|maquina)\b"))
_add("dificil complicado", _p("frustration", 0.45, r"\btan (?:dificil|complicado) es\b|\bes tan (?:dificil|complicado)\b"))
_add("importa", _p("frustration", 0.45, r"\ba nadie le importa\b|\bno (?:os|les|te) importa\b|\bme importa (?:un pepino|un bledo|un carajo|una mierda|un comino)\b"))
_add("nadie", _p("frustration", 0.45, r"\bnadie (?:me |nos )?(?:puede|pueda|sabe|sepa|es capaz de|quiere) (?:\w+ )?(?:decir|explicar|ayudar|dar|contestar|solucionar|responder)\b|\bnadie se (?:hace cargo|responsabiliza)\b|\bnadie (?:sabe|sepa) nada\b"))
_add("alguien", _p("frustration", 0.6, r"\b(?:hay )?alguien (?:\w+ )?(?:competente|capaz)\b"),
     _p("frustration", 0.35, r"\b(?:hay )?alguien (?:ahi|leyendo|mirando|trabajando en esto)\b"))
_add("peor", _p("frustration", 0.55, r"\b(?:el|la) peor (?:servicio|atencion|empresa|experiencia|soporte|compania|tienda)\b|\bpeor (?:servicio|atencion) (?:del mundo|imposible|que he)\b"))
_add("mentido enganado estafado robado mentisteis mentiste mintieron",
     _p("frustration", 0.55, r"\b(?:me|nos) (?:han|habeis|has|ha) (?:mentido|enganado|estafado|robado)\b|\bme (?:mentisteis|mentiste|mintieron)\b"))
_add("verguenza porqueria mierda broma chapuza desastre cagada", _p("frustration", 0.5, r"\b(?:que|vaya|menuda) (?:verguenza|porqueria|mierda|broma|chapuza|desastre|cagada)\b"))
_add("atencion servicio empresa soporte", _p("frustration", 0.45, r"\b(?:menuda|menudo|vaya|que) (?:atencion|servicio|empresa|soporte)\b(?! (?:tan )?(?:buen|rapid|amabl))"))
_add("supuesto supuesta llamado llamada", _p("frustration", 0.4, r"\b(?:supuest[oa]|(?:tan |mal )?llamad[oa]) (?:envio|servicio|soporte|garantia|express|urgente|atencion|entrega)\b"))
_add("copiar copia automatica enlatada", _p("frustration", 0.35, r"\bcopiar y pegar\b|\bcopia y pega\b|\brespuesta (?:automatica|enlatada)\b"))
_add("trabajo", _p("frustration", 0.55, r"\b(?:haz|haced|haga|hagan) (?:tu|vuestro|su|el) (?:puto |maldito |jodido |pinche )?trabajo\b"))
_add("madre", _p("frustration", 0.3, r"\bmadre mia\b"))
_add("derecho", _p("frustration", 0.5, r"\bno hay derecho\b"))
_add("teneis tienes tienen", _p("frustration", 0.6, r"\bme (?:teneis|tienes|tienen) (?:muy |ya )?(?:hart[oa]|hasta (?:las narices|el gorro|la coronilla|los huevos))\b"))
_add("colgado colgar colgais", _p("frustration", 0.45, r"\bme (?:habeis|has|han|ha) colgado\b|\bno me (?:vuelvas|volvais|vuelvan) a colgar\b|\bme colgais\b"))
_add("culpa", _p("frustration", 0.4, r"\bpor (?:vuestra|tu|su) culpa\b|\b(?:es|fue) (?:culpa )?vuestra culpa\b"))
_add("reclamacion queja", _p("frustration", 0.45, r"\b(?:poner|pondre|presentar|presentare|voy a poner|os pongo) (?:una )?(?:reclamacion|queja)(?: formal)?\b"))
_add("asco", _p("frustration", 0.5, r"\b(?:que|vaya|menudo|da|dais) asco\b"))
_add("flipando alucinando", _p("frustration", 0.45, r"\b(?:flipando|alucinando) con (?:vosotros|ustedes|esto|este|esta|vuestr\w+)\b"))
_add("tela narices huevos", _p("frustration", 0.55, r"\bvaya tela\b|\bmanda (?:narices|huevos|cojones)\b"))
# Sarcasm: thanks and praise that mean the opposite.
_add("nada", _p("frustration", 0.7, r"\bgracias por (?:nada|tan poco)\b"))
_add("faltaba", _p("frustration", 0.6, r"\blo que (?:me |nos )?faltaba\b"))
_add("genial perfecto estupendo fantastico maravilloso",
     _p("frustration", 0.7, r"\b(genial|perfecto|estupendo|fantastico|maravilloso)(?: \|)? (?:simplemente|de verdad|vamos|eh) (?:\| )?\1\b|\b(genial|perfecto|estupendo|fantastico) (?:\| )?\2\b"),
     _p("frustration", 0.45, r"^(?:oh |ah |vaya |ay |uy )?(?:\| )?(?:genial|perfecto|estupendo|fantastico|maravilloso) (?:\| )?(?:ahora|y ahora|encima|otra vez)\b"))
# Demands and deadlines.
_add("quiero necesito exijo",
     _p("frustration", 0.4, r"\b(?:quiero|necesito|exijo) (?:\w+ ){0,5}?(?:ya|ahora mismo|ahora|hoy mismo|inmediatamente|de inmediato|ya mismo)(?= \||$)"
        r"|\b(?:quiero|exijo) (?:\w+ ){0,3}?(?:resuelto|solucionado|arreglado|devuelto|reembolsado|anulado|cancelado)\b"),
     _p("frustration", 0.3, r"\b(?:necesito|quiero|exijo) (?:\w+ ){0,6}?(?:para|antes de) (?:el |la )?(?:hoy|manana|esta tarde|esta noche|lunes|martes|miercoles|jueves|viernes|sabado|domingo|fin de semana|final del dia)\b|\b(?:necesito|quiero|exijo) (?:\w+ ){0,6}?antes del (?:lunes|martes|miercoles|jueves|viernes|sabado|domingo|fin de semana|final del dia)\b"))
_add("quiero", _p("frustration", 0.5, r"\bno quiero (?:mas |otra |otro )?(?:disculpas|excusas|perdon|lo siento|promesas)\b"))

# Leaving.
_add("cuenta suscripcion contrato linea servicio",
     _p("churn", 0.45, r"(?<!sin )(?<!no )\b(?:cancelar|cancelad|cancela|cerrar|cerrad|eliminar|borrar|dar de baja) (?:mi|la|nuestra|el|mis) (?:cuenta|suscripcion|contrato|linea|servicio|plan)\b"))
_add("baja", _p("churn", 0.5, r"\b(?:dar|darme|darnos|me doy|me voy a dar|nos damos|pido la|quiero la|tramitad la|tramitar la) (?:de )?baja\b(?! (?:(?:del?|en|el|las?|los) )*(?:boletin|newsletter|correos|emails|lista|notificaciones|publicidad|sms|alertas))"))
_add("voy vamos cambio cambiamos cambiarme irme marcho",
     _p("churn", 0.5, r"\b(?:me voy|nos vamos|me cambio|nos cambiamos|cambiarme|irme|me marcho|me paso) (?:a|con) (?:la competencia|otra (?:compania|empresa|operadora|tienda|marca)|otro (?:proveedor|banco|operador)|vuestra competencia)\b"))
_add("nunca jamas vuelvo", _p("churn", 0.5, r"\b(?:nunca|jamas) (?:mas )?(?:vuelvo|volvere|os compro|compro|pido|contrato)\b|\bno (?:os |les |te )?vuelvo a (?:comprar|pedir|contratar)\b"))
_add("perdido cliente", _p("churn", 0.5, r"\b(?:habeis|han|has|acabais de|acaban de) perdido (?:a )?un cliente\b|\bex ?cliente\b"))
_add("cancelo baja voy cambio", _p("churn", 0.5, r"\b(?:o|si no) (?:me doy de baja|cancelo|me voy|me cambio|lo cancelo todo)\b"))

# Something is down.
_add("sin", _p("outage", 0.25, r"\bsin (?:luz|internet|conexion|servicio|linea|cobertura|senal|agua|gas|red)\b"))

# The law, consumer bodies and the bank.
_add("legales legal", _p("legal", 0.6, r"\b(?:acciones|medidas|via) legal(?:es)?\b"))
_add("juicio tribunales", _p("legal", 0.6, r"\b(?:ir|llevar(?:os|te|le|les|lo)?) a (?:juicio|los tribunales)\b"))
_add("cargo cargos pago pagos recibo recibos banco", _p("legal", 0.6, r"\b(?:devolucion|rechazo|disputa|anular|anulare|reclamar|reclamare) (?:del|el) (?:cargo|pago|recibo)\b|\b(?:devolver|devolvere|devuelvo|devolvemos) (?:el|los) recibos?\b|\b(?:reclamar|reclamare|reclamarlo|denunciarlo|anularlo) (?:\w+ )?(?:al|con el|en el) banco\b|\b(?:anulo|anulare|anular|reclamo|disputo|disputare) (?:\w+ ){0,2}(?:cargos?|pagos?|recibos?)(?: \w+){0,3} (?:con|en|a|al) (?:el |mi )?banco\b"))
_add("consumo consumidor consumidores reclamaciones",
     _p("legal", 0.55, r"\bhoja de reclamaciones\b|\b(?:oficina|organismo|autoridades?|departamento) de consumo\b|\b(?:proteccion|defensa) (?:al|del|de los) consumidor(?:es)?\b|\b(?:en|a) consumo\b"))

# Going public.
_add("resena opinion valoracion critica estrella estrellas",
     _p("public", 0.6, r"\b(?:mala|malisima|pesima|negativa) (?:resena|opinion|valoracion|critica)\b|\b(?:dejar|dejare|dejo|escribir|escribire|poner|pondre|publicar|publicare) (?:una )?(?:\w+ )?(?:resena|opinion|valoracion|critica)\b|\b(?:una|1|cero) estrellas?\b"))
_add("redes todo todos amigos prensa medios noticias tele publicar publicare subir subire publico",
     _p("public", 0.6, r"\bredes(?: sociales)?\b|\b(?:contar|contare|contarselo|decirselo) a (?:todo el mundo|todos|mis amigos)\b|\b(?:a|en) (?:la prensa|los medios|las noticias|la tele)\b|\b(?:publicar|publicare|subir|subire|colgar|colgare) (?:esto|todo|las capturas|capturas|la conversacion)\b|\bhacer(?:lo)? publico\b"))

# Someone with more authority: "un supervisor", "su encargado", not the customer's own ("mi jefe").
_add("supervisor supervisora supervisores encargado encargada jefe jefa responsable gerente director directora superior",
     _p("authority", 0.6, r"\b(?:tu|su|vuestro|vuestra|un|una|el|la|al|con|quiero|necesito|exijo|pasame|paseme|pongame|ponme|llamar|hablar|hable)\s+(?:(?!mis?\b)\w+\s+)?(?:supervisor|supervisora|supervisores|encargado|encargada|jefe|jefa|responsable|gerente|director|directora|superior)\b"))
_add("alguien persona humano arriba",
     _p("authority", 0.5, r"\b(?:hablar|hable|hablare|pasame|paseme|ponme|pongame) con (?:alguien|otra persona|una persona|un humano)(?: \w+){0,2}? (?:de (?:mas )?arriba|superior|con (?:mas )?autoridad|que (?:pueda|sepa|tenga|decida)|real|de verdad)\b|\b(?:una persona|un humano|alguien) (?:real|de verdad)\b|\balguien (?:con mas|que tenga) (?:autoridad|poder)\b|\balguien de (?:mas )?arriba\b"))

# Money demanded.
_add("dinero", _p("refund", 0.3, r"\b(?:mi|el|nuestro) dinero\b"), _p("compensation", 0.35, r"\b(?:devolved|devuelvan|devuelveme|devolvedme|devuelvanme|quiero|exijo) (?:\w+ )?(?:mi |el )?dinero\b"))
_add("completa completo integra integro total inmediata inmediato", _p("compensation", 0.45, r"\b(?:devolucion|reembolso) (?:complet[oa]|integr[oa]|total|inmediat[oa])\b"))
_add("centimo euro peso duro", _p("compensation", 0.4, r"\b(?:hasta el ultimo|cada) (?:centimo|euro|peso|duro)\b"))
_add("pagar paga pagara pagais", _p("compensation", 0.4, r"\bquien (?:me |nos )?(?:va a pagar|paga|pagara)\b"))
_add("debeis deben debes", _p("compensation", 0.45, r"\b(?:me|nos) (?:debeis|deben|debes|debe) (?:el dinero|dinero|una compensacion)\b"))
_add("danos perjuicios", _p("compensation", 0.5, r"\bdanos y perjuicios\b"))

# Threats of harm: always flagged.
# "te voy a buscar el número" and "te voy a pegar el enlace" are help, not threats: those verbs count
# only when nothing follows them in the sentence, or with what they do to a person.
_END = r"(?= \||$| y | a la salida| donde| cuando)"
_add("voy vamos", _p("threat", 0.95, rf"\b{_YOU} (?:voy|vamos) a (?:matar|partir la cara|reventar|romper la cara|quemar|hacer dano|joder vivo|dar una paliza|pegar (?:una paliza|un tiro|una hostia|un punetazo)|(?:buscar|encontrar|pegar){_END})"),
     _p("threat", 0.9, r"\b(?:voy|vamos) (?:a ir )?a por (?:ti|vosotros|usted|ustedes)\b"))
_add("mato mataria reviento parto busco", _p("threat", 0.9, rf"\b{_YOU} (?:mato|mataria|reviento|parto la cara|busco{_END})"))
_add("vives trabajas vivis trabajais oficina oficinas casa", _p("threat", 0.95, r"\bse (?:donde|en que \w+) (?:vives|trabajas|vivis|trabajais|vive|trabaja)\b|\bse donde (?:esta|estan) (?:tu|tus|vuestra|vuestras|su|sus) (?:oficinas?|casa|familia|tiendas?|hijos)\b"))
_add("quemar quemare quemo volar volare fuego", _p("threat", 0.95, r"\b(?:quemar|quemare|quemo|volar|volare|prender fuego a|pegarle fuego a) (?:la|vuestra|tu|su|esa|esta) (?:oficina|tienda|sede|local|empresa|edificio|casa|nave|almacen)\b"))
_add("enterar arrepentiras arrepentireis arrepentir", _p("threat", 0.85, r"\b(?:te vas|os vais|se va|se van) a (?:enterar|arrepentir)\b|\b(?:te|os) (?:arrepentiras|arrepentireis)\b"))
_add("pagar pagareis pagaras", _p("threat", 0.85, r"\bme las (?:vas|vais|va) a pagar\b|\bme las (?:pagaras|pagareis|pagara)\b|\b{0} (?:voy|vamos) a hacer (?:pagar|sufrir)\b".format(_YOU)))
_add("mueras muerais murais atropelle muerto muertos espalda",
     _p("threat", 0.9, r"\b(?:ojala|espero que) (?:te|os|se) (?:mueras|muerais|murais|muera|mueran|pase algo|atropelle)\b|\b(?:estas|estais|eres hombre) muertos?\b|\bcuidate las espaldas\b|\bmira bien por donde (?:andas|vas)\b"))

# Hate: dehumanising a group, or telling someone to go back where they came from.
_GROUPS = r"(?:inmigrantes|extranjeros|moros|negros|judios|musulmanes|gitanos|sudamericanos|latinos|chinos|gays|mujeres|indios|rumanos|marroquies|arabes|refugiados|africanos|panchitos|sudacas|maricones)"
_add("animales basura escoria ratas parasitos cucarachas plaga morir morirse desaparecer deportados largarse pais tierra",
     _p("hate", 0.95, rf"\b(?:estos|esos|todos los|los putos|malditos|sucios|putos) {_GROUPS} (?:son|deberian|merecen|tendrian que) (?:\w+ )?(?:animales|basura|escoria|ratas|parasitos|cucarachas|una plaga|morir|morirse|desaparecer|ser deportados|largarse)\b|\b(?:vete|volved|vuelve|vuelvete|iros|largate|largaos|regresa) a tu (?:pais|tierra)\b"))

# Abuse aimed at a person, in phrases.
_add("mierda carajo diablo infierno", _p("abuse", 0.85, r"\b(?:vete|idos|iros|andate|anda|vayase|vayanse) (?:a la mierda|al carajo|al diablo|al infierno)\b"))
_add("den jodan follen", _p("abuse", 0.85, r"\bque (?:te|os|le|les) (?:den|jodan|follen)\b"))
_add("madre", _p("abuse", 0.9, r"\b(?:chinga|chingue|chingen) (?:tu|su) madre\b|\b(?:tu|su|vuestra) puta madre\b|\bme cago en (?:tu|vuestra|su|la) (?:madre|familia|puta madre|muertos)\b"))
_add("muertos pario parieron", _p("abuse", 0.9, r"\bme cago en (?:tus|vuestros|sus) muertos\b|\bla (?:puta )?madre que (?:te|os) (?:pario|parieron)\b"))
_add("hijo hijos hija", _p("abuse", 0.9, r"\bhij[oa]s? de (?:puta|perra|la gran puta)\b"))
_add("eres sois usted ustedes", _p("abuse", 0.85, r"\b(?:eres|sois|es usted|son ustedes) (?:una |un |unos |unas )?(?:mierda|mierdas|basura|escoria|puta|putas|verguenza|retrasad[oa]s?|chorizos?)\b"))
_add("callate callaos cierra", _p("abuse", 0.75, r"\b(?:callate|callaos|callese|cierra la boca|cierra el pico)\b"))
_add("toques toqueis", _p("abuse", 0.75, r"\bno me (?:toques|toqueis|toque) (?:los|las) (?:cojones|huevos|narices|pelotas)\b"))
_add("panda pandilla banda atajo hatajo monton manada", _p("abuse", 0.75, rf"\b(?:panda|pandilla|banda|atajo|hatajo|monton|manada) de {_INSULTS}\b"))
# Latin American "(ustedes) son unos ineptos", "están bien pendejos": the subject "you" is dropped.
_add("son estan", _p("abuse", 0.6, rf"(?:^|\| )(?:\w+ )?(?:que )?(?:son|estan) (?:(?:unos|unas|bien|muy|todos|todas|un) )*(?:{_INSULT_WORDS}|pendejos|pendejas|tontos|estupidos)\b"))
_add("mental mentales", _p("abuse", 0.85, r"\bretrasad[oa]s? mental(?:es)?\b"))
_add("culo quepa", _p("abuse", 0.85, r"\b(?:metete|metaselo|meteos|meteoslo|metetelo|metedlo)(?: \w+){0,3} por (?:el culo|donde te quepa|donde os quepa)\b"))

# Every word the tokenizer should recognise when undoing masks ("m*erda", "1diota") and elongations.
KNOWN_WORDS: frozenset[str] = frozenset(
    set(PROFANITY) | set(INSULT_NOUNS) | set(INSULT_ADJECTIVES) | SLURS | set(FRUSTRATION)
    | {"no", "si", "ya", "por", "favor", "porfa", "hola", "gracias", "nada", "nunca", "eres", "sois", "vale"}
)
