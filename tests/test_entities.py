"""Networks and regions recognised by name, label or alias, ranked by salience."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.metadata.entities import find_entities
from kb.vocabulary import load_vocabulary

VOCABULARY = load_vocabulary(Path(__file__).resolve().parents[1] / "corpus")


def networks(text, title=None):
    return find_entities(text, title, VOCABULARY, "networks")


def regions(text, title=None):
    return find_entities(text, title, VOCABULARY, "regions")


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Kunststoffnetzwerk Ems-Achse", ("Kunststoffnetzwerk Ems-Achse",)),
        ("KUNSTSTOFFNETZWERK EMSACHSE", ("Kunststoffnetzwerk Ems-Achse",)),
        ("Ems-Achse Plastics Network meets in Papenburg", ("Kunststoffnetzwerk Ems-Achse",)),
        ("Wachstumsregion Ems-Achse e. V. ausgezeichnet", ("Wachstumsregion Ems-Achse",)),
        ("Plastindustrien lancerer nye netværkstilbud", ("Plastindustrien",)),
        ("Danish Plastics Federation launches new networks", ("Plastindustrien",)),
        ("19. Netzwerktreffen der JOBSTARTER-Kunststoffallianz", ("JOBSTARTER-Kunststoffallianz",)),
        ("Danish International Manufacturing Academy", ("DIMA",)),
        ("Het MEMA-Netzwerk organiseert een bijeenkomst", ("MEMA-Netzwerk",)),
    ],
)
def test_a_network_named_in_the_title_is_found(title, expected):
    assert networks("", title) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Trekantområdets syv kommuner samarbejder. Trekantområdet vokser.", ("Trekantområdet",)),
        ("Virksomheder i Trekantomraadet og i Trekantområdet", ("Trekantområdet",)),
        ("Unternehmen aus Dänemark. Dänemarks Industrie.", ("Danmark",)),
        ("Bedrijven uit Denemarken. Denemarken groeit.", ("Danmark",)),
        ("Standorte in der Ems-Achse und in der Emsachse", ("Ems-Achse",)),
        ("Eems-as en Eems-as", ("Ems-Achse",)),
        ("Metropolregion Nürnberg. Nürnberger Unternehmen.", ("Metropolregion Nürnberg",)),
    ],
)
def test_inflected_and_folded_region_names_are_found(text, expected):
    assert regions(text) == expected


def test_a_passing_mention_is_not_a_tag():
    assert networks("Einmal im Quartal kommen Unternehmen mit dem MEMA-Netzwerk zusammen.") == ()


def test_repeated_mentions_beat_a_passing_one():
    text = "DIMA uddanner. DIMA samarbejder. DIMA sigter. Plastindustrien nævnes en gang."
    assert networks(text) == ("DIMA",)


def test_the_title_counts_more_than_the_text():
    text = "Plastindustrien. Plastindustrien. Plastindustrien."
    assert networks(text, "DIMA lancerer nyt kursus") == ("DIMA", "Plastindustrien")


def test_minutes_naming_many_places_are_not_tagged_with_all_of_them():
    text = (
        "Treffen der JOBSTARTER-Kunststoffallianz. Teilnehmer aus Nürnberg, Dänemark, der Ems-Achse, "
        "Trekantområdet und Deutschland. JOBSTARTER-Kunststoffallianz plant das nächste Treffen."
    )
    assert regions(text, "Überregionales Netzwerktreffen der JOBSTARTER-Kunststoffallianz") == (
        "Deutschland",
    )


def test_a_network_implies_its_region():
    assert regions("Plastindustrien inviterer.", "Plastindustrien lancerer nye netværk") == ("Danmark",)


def test_a_network_name_containing_a_region_is_one_network():
    text = "Die Wachstumsregion Ems-Achse e. V. und die Wachstumsregion Emsachse fördern Fachkräfte."
    assert networks(text) == ("Wachstumsregion Ems-Achse",)
    assert regions(text) == ("Ems-Achse",)


def test_a_back_reference_counts_only_after_the_full_name():
    back = " Der Lenkungsausschuss des Kunststoffnetzwerks berät die Geschäftsstelle des Kunststoffnetzwerks."
    assert networks(back) == ()
    assert networks("Das Kunststoffnetzwerk Ems-Achse lädt ein." + back) == ("Kunststoffnetzwerk Ems-Achse",)
    assert networks("Das Kunststoffnetzwerk Ems-Achse lädt ein.") == ()


def test_plural_of_a_head_is_not_a_back_reference():
    text = "Kunststoffnetzwerk Ems-Achse kooperiert mit anderen Kunststoffnetzwerken, Kunststoffnetzwerken."
    assert networks(text) == ()


def test_at_most_three_are_returned():
    title = "DIMA, Plastindustrien, MEMA-Netzwerk und JOBSTARTER-Kunststoffallianz"
    assert len(networks("", title)) == 3


def test_unknown_kind_is_an_error():
    with pytest.raises(ValueError):
        find_entities("text", None, VOCABULARY, "topics")


@settings(max_examples=100, deadline=None)
@given(
    text=st.text(max_size=400),
    title=st.one_of(st.none(), st.text(max_size=60)),
    kind=st.sampled_from(["networks", "regions"]),
)
def test_find_entities_never_raises_and_returns_canonical_names(text, title, kind):
    result = find_entities(text, title, VOCABULARY, kind)
    assert len(result) <= 3
    assert set(result) <= {e.value for e in VOCABULARY.entries(kind)}
