"""Language of a document: the declared code when valid, else langdetect on a bounded sample."""

from __future__ import annotations

import logging
import re
from functools import cache

log = logging.getLogger(__name__)

UNDETERMINED = "und"
SAMPLE_CHARS = 2000  # langdetect reads every character of its sample; 2,000 letters-rich ones are plenty
MIN_LETTERS = 20
MIN_CONFIDENCE = 0.70
#: A text shorter than this many letters needs MIN_CONFIDENCE_SHORT (a few words in a help page's
#: sidebar or a caption say little; "Ctrl+F Søg" read as English).
SHORT_LETTERS = 200
MIN_CONFIDENCE_SHORT = 0.90
#: Function words of the four languages the archive holds most: when these clearly point to another of
#: them than langdetect's choice (interface names in English inside a Danish help page), the language is
#: not certain and stays "und".
_FUNCTION_WORD_LISTS = {
    "de": "der die das und ist nicht mit auf den dem des ein eine einen für wird werden sie sich auch ich wir",
    "da": "og er ikke det til på af med som at en et den der har kan skal for vil de jeg vi ved fra hvis eller",
    "nl": "de het een en is niet van op met voor dat die te zijn wordt kan worden ook aan bij als uit naar of",
    "en": "the and is not of on with for that to are be this can it as by from you which or if when",
}
_SHARED_WORDS = {  # in two of the lists ("de", "en", "is", "der"): they tell no language apart
    word
    for lang, words in _FUNCTION_WORD_LISTS.items()
    for word in words.split()
    if any(word in other.split() for o, other in _FUNCTION_WORD_LISTS.items() if o != lang)
}
_FUNCTION_WORDS = {
    lang: frozenset(words.split()) - _SHARED_WORDS for lang, words in _FUNCTION_WORD_LISTS.items()
}
#: langdetect's near neighbours of the four, taken back when the function words clearly say so.
_NEIGHBOURS = {"af": "nl", "fy": "nl", "lb": "de"}
MIN_FUNCTION_WORDS = 8  # below this many function words the check says nothing
_WORDS = re.compile(r"[^\W\d_]+")

# ISO 639-2/B, 639-2/T and a few English names → ISO 639-1 for the languages we expect.
_THREE_LETTER: dict[str, str] = {
    "deu": "de",
    "ger": "de",
    "dan": "da",
    "nld": "nl",
    "dut": "nl",
    "eng": "en",
    "nor": "no",
    "nob": "no",
    "nno": "no",
    "swe": "sv",
    "fra": "fr",
    "fre": "fr",
    "spa": "es",
    "ita": "it",
    "pol": "pl",
    "fin": "fi",
    "german": "de",
    "danish": "da",
    "dutch": "nl",
    "english": "en",
}
_ALIASES: dict[str, str] = {"nb": "no", "nn": "no"}
_CODE = re.compile(r"^([a-z]{2,7})(?:[-_][a-z0-9]{1,8})*$")
_LETTER = re.compile(r"[^\W\d_]")

_ISO_639_1_TABLE = (
    "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de "
    "dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id "
    "ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu "
    "lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu "
    "rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr "
    "ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu"
)
_ISO_639_1 = frozenset(_ISO_639_1_TABLE.split())


@cache
def _factory():
    """A private factory (fixed seed), so detection is deterministic whatever other code does to
    langdetect's; loaded on first use (its profiles take 0.3 s, which `kb --help` need not pay)."""
    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    factory.seed = 0
    return factory


def normalize_language(code: str | None) -> str | None:
    """The ISO 639-1 code for a declared language tag ("de-DE", "DE", "deu"), else None."""
    if not code:
        return None
    match = _CODE.match(code.strip().lower())
    if not match:
        return None
    primary = match.group(1)
    primary = _THREE_LETTER.get(primary, primary)
    primary = _ALIASES.get(primary, primary)
    return primary if primary in _ISO_639_1 else None


def _sample(text: str) -> str:
    """At most SAMPLE_CHARS characters from the start of the text, runs of white space as one space."""
    return " ".join(text[: 4 * SAMPLE_CHARS].split())[:SAMPLE_CHARS]


def detect_language(text: str, declared: str | None = None) -> str:
    """The document's ISO 639-1 language: a valid declared code wins, else detection, else "und"."""
    normalized = normalize_language(declared)
    if normalized:
        return normalized
    sample = _sample(text)
    if len(_LETTER.findall(sample)) < MIN_LETTERS:
        return UNDETERMINED
    from langdetect.lang_detect_exception import LangDetectException

    detector = _factory().create()
    detector.append(sample)
    try:
        best = detector.get_probabilities()
    except LangDetectException:
        return UNDETERMINED
    letters = len(_LETTER.findall(sample))
    if not best or best[0].prob < (MIN_CONFIDENCE_SHORT if letters < SHORT_LETTERS else MIN_CONFIDENCE):
        return UNDETERMINED
    code = _ALIASES.get(best[0].lang.split("-")[0].lower(), best[0].lang.split("-")[0].lower())
    counts = function_word_counts(sample)
    by_words = function_word_language(sample)
    if _NEIGHBOURS.get(code) is not None and function_word_language(sample, 3) == _NEIGHBOURS[code]:
        return _NEIGHBOURS[code]  # Dutch help pages read as Afrikaans
    if code in _FUNCTION_WORDS:
        if by_words is not None and by_words != code:
            return UNDETERMINED
        if letters < SHORT_LETTERS and counts[code] + 1 < max(counts.values()):
            return UNDETERMINED  # a short text whose few function words are another language's
    return code


def function_word_counts(text: str) -> dict[str, int]:
    """How many of each language's function words a text holds (de, da, nl, en)."""
    counts = dict.fromkeys(_FUNCTION_WORDS, 0)
    for word in _WORDS.findall(text.lower()):
        for lang, words in _FUNCTION_WORDS.items():
            if word in words:
                counts[lang] += 1
    return counts


def function_word_language(text: str, minimum: int = MIN_FUNCTION_WORDS) -> str | None:
    """de, da, nl or en when the text's function words clearly point to one (twice the next), else None."""
    ranked = sorted(function_word_counts(text).items(), key=lambda item: -item[1])
    (best, top), (_, second) = ranked[0], ranked[1]
    return best if top >= minimum and top >= 2 * second else None
