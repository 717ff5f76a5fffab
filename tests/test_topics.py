"""Topics recognised from labels and terms in four languages, compound-tolerant, with a threshold."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.metadata.topics import find_topics
from kb.vocabulary import load_vocabulary

VOCABULARY = load_vocabulary(Path(__file__).resolve().parents[1] / "corpus")


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Die Ausbildungsberufe und die Ausbildung der Auszubildenden.", "de", ("vocational-training",)),
        ("Nye netværkstilbud: tre netværk for medlemmerne.", "da", ("networking",)),
        ("Genanvendelse af plast og cirkulær økonomi i plastgenanvendelse.", "da", ("recycling",)),
        ("Kwaliteitsmanagement en kwaliteitszorg in de productie.", "nl", ("quality-management",)),
        ("Recycling and the circular economy: recyclate and reuse.", "en", ("recycling",)),
        ("Medizintechnik und Orthopädie: Kunststoff in Medizinprodukten.", "de", ("medical-technology",)),
        ("Die Digitalisierung und digitale Angebote, ganz digital.", "de", ("digitalisation",)),
    ],
)
def test_topic_terms_are_recognised_in_each_language(text, language, expected):
    assert find_topics(text, None, VOCABULARY, language) == expected


def test_a_topic_in_the_title_counts_more():
    assert find_topics("Ein kurzer Text.", "Fachkräftesicherung", VOCABULARY, "de") == ("skilled-workers",)


def test_a_passing_word_does_not_tag_a_long_document():
    filler = " ".join(["Das Wetter war am Tag der Veranstaltung wechselhaft und kühl."] * 60)
    assert find_topics(filler + " Recycling und Kreislaufwirtschaft.", None, VOCABULARY, "de") == (
        "trade-fairs-events",
    )


def test_short_terms_do_not_match_inside_other_words():
    assert find_topics("Ungefähr ungefähr ungefähr elevator elevator.", None, VOCABULARY, "de") == ()


def test_topics_are_ranked_by_strength():
    text = "Netzwerk, Netzwerktreffen, Kooperation, Zusammenarbeit. Ausbildung und Weiterbildung."
    assert find_topics(text, None, VOCABULARY, "de") == ("networking", "vocational-training")


def test_at_most_six_topics():
    text = (
        "Ausbildung Ausbildung. Berufsorientierung Schüler. Fachkräfte Fachkraft. Recycling Rezyklat. "
        "Lebensmittelkontakt Lebensmittelverpackung. Qualitätsmanagement Qualitätssicherung. "
        "Digitalisierung digital. Messe Veranstaltung. Wissenstransfer Austausch."
    )
    assert len(find_topics(text, None, VOCABULARY, "de")) == 6


def test_terms_of_another_language_weigh_less():
    assert find_topics("Recycling.", None, VOCABULARY, "da") == ()
    assert find_topics("Genanvendelse og genbrug.", None, VOCABULARY, "da") == ("recycling",)


def test_no_text_no_topics():
    assert find_topics("", None, VOCABULARY, "und") == ()


@settings(max_examples=100, deadline=None)
@given(
    text=st.text(max_size=400),
    title=st.one_of(st.none(), st.text(max_size=60)),
    language=st.sampled_from(["de", "da", "nl", "en", "und"]),
)
def test_find_topics_never_raises_and_returns_topic_ids(text, title, language):
    result = find_topics(text, title, VOCABULARY, language)
    assert len(result) <= 6
    assert set(result) <= {e.id for e in VOCABULARY.topics}
