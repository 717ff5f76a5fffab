"""What minutes say: the informative lines (agenda items, decisions) without the boilerplate header, the
people and organisations present or signing, the ones that recur, and the topics that stood out per year."""

from __future__ import annotations

from minutes_corpus import ems_minutes

from kb.attendance import Participant, is_name, participants, recurring
from kb.history import Standout, standout_topics
from kb.minutes import agenda_item, boilerplate, decision, informative_lines, summary

GERMAN = """Kunststoffnetzwerk Ems-Achse
Protokoll der Sitzung vom 12.03.2019
Ort: Hochschule Emden/Leer, Raum 204

Anwesend: Dr. Anna Müller (Kunststoff Meppen GmbH), Jens Hansen (Plastindustrien), Petra Schulz, Hochschule Emden/Leer
Entschuldigt: Klaus Becker

TOP 1: Begrüßung und Genehmigung des Protokolls
TOP 2: Ausbildungsoffensive 2019 – neue Azubi-Messe in Lingen
TOP 3: Recycling von Folienabfällen
Beschluss: Das Netzwerk beteiligt sich mit einem Stand an der Messe.
TOP 4: Verschiedenes

gez. Petra Schulz (Protokoll)
"""
DANISH = """Referat af netværksmøde i Plastnetværket
Dato: 4. juni 2021
Deltagere:
- Mette Nielsen, Plastindustrien
- Søren Jensen (Aalborg Universitet)
- Lars Pedersen

Afbud: Hanne Holm

1. Velkomst og godkendelse af dagsorden
2. Genanvendelse af plastemballage i kommunerne
3. Nyt uddannelsesforløb for procesoperatører
Beslutning: Sekretariatet udarbejder en ansøgning til Miljøstyrelsen.
4. Eventuelt

Med venlig hilsen
Mette Nielsen
"""
DUTCH = """Verslag overleg Kunststofnetwerk Twente
Aanwezig: Piet de Vries (Gemeente Enschede); Sanne van der Berg; Jan Bakker – Saxion Hogeschool
Afwezig met kennisgeving: Karel Jansen
Agendapunt 1: Opening en vaststelling agenda
Agendapunt 2: Circulaire kunststoffen in de bouw
Besluit: Het netwerk start een werkgroep circulair bouwen.
Notulist: Sanne van der Berg
"""
ENGLISH = """Minutes of the steering group
Present: Alice Smith (University of Hull), Bob Jones and Carol White
Apologies: Dan Brown

1. Welcome and apologies
2. Budget 2024 for the training centre
Decision: The group approves the budget.
3. Any other business

Minutes taken by: Bob Jones
"""
# a council's agenda item as the Nordstemmen data has it (Markdown heading, labelled header lines)
COUNCIL = """## 7. Bebauungsplan Nr. 0815 „Am Mühlenfeld“, Aufstellungsbeschluss

**Sitzung:** Ausschuss für Bauen und Umwelt (12. Sitzung)
**Ort:** Nordstemmen

Der Rat beschließt die Aufstellung des Bebauungsplans.
"""


def test_german_minutes_give_their_agenda_items_and_decision_not_the_header():
    assert informative_lines(GERMAN, "Protokoll") == (
        "Ausbildungsoffensive 2019 – neue Azubi-Messe in Lingen",
        "Recycling von Folienabfällen",
        "Beschluss: Das Netzwerk beteiligt sich mit einem Stand an der Messe.",
    )


def test_danish_dutch_english_and_council_minutes():
    assert informative_lines(DANISH, "Referat") == (
        "Genanvendelse af plastemballage i kommunerne",
        "Nyt uddannelsesforløb for procesoperatører",
        "Beslutning: Sekretariatet udarbejder en ansøgning til Miljøstyrelsen.",
    )
    assert informative_lines(DUTCH) == (
        "Circulaire kunststoffen in de bouw",
        "Besluit: Het netwerk start een werkgroep circulair bouwen.",
    )
    assert informative_lines(ENGLISH) == (
        "Budget 2024 for the training centre",
        "Decision: The group approves the budget.",
    )
    assert informative_lines(COUNCIL, "7 Bebauungsplan") == (
        "Bebauungsplan Nr. 0815 „Am Mühlenfeld“, Aufstellungsbeschluss",
    )


def test_agenda_line_forms():
    assert agenda_item("TOP 3: Recycling") == "Recycling"
    assert agenda_item("Top 3 - Recycling") == "Recycling"
    assert agenda_item("Tagesordnungspunkt 5: Haushalt 2024") == "Haushalt 2024"
    assert agenda_item("3.2 Neue Mitglieder") == "Neue Mitglieder"
    assert agenda_item("2) Opleidingen") == "Opleidingen"
    assert agenda_item("## 4. Messeauftritt") == "Messeauftritt"
    assert agenda_item("12.03.2019 Sitzung") is None  # a date, not an item
    assert agenda_item("2019 war ein gutes Jahr") is None
    assert agenda_item("TOP 3:") is None
    assert decision("Beschluss: Der Haushalt wird angenommen.") == "Beschluss: Der Haushalt wird angenommen."
    assert decision("Beslutning:") is None
    assert decision("Beschlussfähigkeit wurde festgestellt") is None


def test_lines_many_documents_share_are_boilerplate():
    texts = [ems_minutes(i, 2019, 3) for i in range(6)]
    skip = boilerplate(texts)
    assert "kunststoffnetzwerk ems-achse" in skip
    assert "protokoll der netzwerksitzung vom 0.0" in skip  # the date differs, the line is the same
    assert "ort: technologiezentrum lingen, kaiserstrasse 0b" in skip
    assert "top 0: recycling von folienabfällen" in skip  # the same item in every meeting of a year
    assert boilerplate(texts[:2]) == frozenset()  # too few documents to tell
    # in a large network a standing item in ten documents is boilerplate, however many others there are
    streets = [f"{a}{b}" for a in ("Mühlen", "Kirch", "Schul", "Linden", "Berg") for b in ("weg", "straße")]
    council = [f"TOP {i % 9}: Einwohnerfragestunde\nTOP 5: Sanierung {s}\n" for i, s in enumerate(streets)]
    council += [f"## {i}. Bebauungsplan {streets[i % 10]} {'I' * (i // 10 + 1)}\n" for i in range(90)]
    assert boilerplate(council) == {"top 0: einwohnerfragestunde"}
    # a network whose documents have no agenda items: the first line that is neither header nor title
    letters = [
        f"Netzwerk Nord\nRundbrief\n\nDiesmal geht es um Thema {w} und seine Folgen.\n" for w in "ABCD"
    ]
    skip = boilerplate(letters)
    assert summary(letters[0], "Rundbrief", skip) == "Diesmal geht es um Thema A und seine Folgen."


def test_summary_is_one_line_cut_at_a_word():
    line = summary(GERMAN, "Protokoll", chars=60)
    assert line == "Ausbildungsoffensive 2019 – neue Azubi-Messe in Lingen …"
    assert "\n" not in summary(DANISH)


def test_attendance_lists_in_four_languages():
    assert participants(GERMAN) == (
        Participant("Anna Müller", "Kunststoff Meppen GmbH"),
        Participant("Jens Hansen", "Plastindustrien"),
        Participant("Petra Schulz", ""),
        Participant("", "Hochschule Emden/Leer"),
    )  # "Entschuldigt" is not present; the signature names Petra Schulz again
    assert participants(DANISH) == (
        Participant("Mette Nielsen", "Plastindustrien"),
        Participant("Søren Jensen", "Aalborg Universitet"),
        Participant("Lars Pedersen", ""),
    )
    assert participants(DUTCH) == (
        Participant("Piet de Vries", "Gemeente Enschede"),
        Participant("Sanne van der Berg", ""),
        Participant("Jan Bakker", "Saxion Hogeschool"),
    )
    assert participants(ENGLISH) == (
        Participant("Alice Smith", "University of Hull"),
        Participant("Bob Jones", ""),
        Participant("Carol White", ""),
    )


def test_signatures_and_closings_name_people():
    assert participants("Vielen Dank.\n\nMit freundlichen Grüßen\nKlaus Becker\n") == (
        Participant("Klaus Becker", ""),
    )
    assert participants("Met vriendelijke groet,\n\nPiet de Vries\n") == (Participant("Piet de Vries", ""),)
    assert participants("Protokoll: Maria Kruse\n") == (Participant("Maria Kruse", ""),)
    assert participants("Referent: Søren Jensen\n") == (Participant("Søren Jensen", ""),)


def test_what_is_not_a_name():
    assert participants("Teilnehmer: 12 Betriebe aus der Region\n") == ()
    assert participants("Present: all members\n") == ()
    assert participants("Protokoll: siehe Anlage 3\n") == ()
    assert participants("Afbud: Hanne Holm, Lars Pedersen\n") == ()
    assert not is_name("Sitzung 12")
    assert is_name("Sanne van der Berg")


def test_recurring_counts_documents_not_mentions():
    docs = [participants(GERMAN), participants(GERMAN), participants(DANISH)]
    people, organisations = recurring(docs)
    assert people == (("Anna Müller", 2), ("Jens Hansen", 2), ("Petra Schulz", 2))
    assert organisations == (
        ("Plastindustrien", 3),
        ("Hochschule Emden/Leer", 2),
        ("Kunststoff Meppen GmbH", 2),
    )


def test_topics_that_stood_out_per_year():
    per_year = {
        2018: {"training": 4},
        2019: {"training": 1, "recycling": 3},
        2020: {"training": 2, "recycling": 2},
    }
    documents = {2018: 4, 2019: 4, 2020: 4}
    assert standout_topics(per_year, documents) == {
        2018: (Standout("training", 4),),
        2019: (Standout("recycling", 3, new=True),),
        2020: (),
    }
    assert standout_topics({2020: {"a": 1}}, {2020: 1}) == {2020: ()}  # one year: nothing stands out
    # one document of thirty is no trend, even for a topic seen for the first time
    assert standout_topics({2019: {"a": 2}, 2020: {"a": 2, "b": 1}}, {2019: 30, 2020: 30})[2020] == ()
