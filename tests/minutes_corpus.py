"""A corpus with networks that have a history: the seed corpus plus 34 German minutes of the Ems-Achse
plastics network over nine years (the same letterhead, attendance lists, agenda items, decisions), its
press releases, Danish, Dutch and English minutes of three more networks, a network with one document and
a network whose name is HTML and Markdown. Written as files (text + sidecar) into a folder, for the app
tests and the documentation's screenshots."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EMS = "Kunststoffnetzwerk Ems-Achse"
DANISH = "Plastnetværk Syd"
DUTCH = "Kunststofnetwerk Twente"
ENGLISH = "North Sea Plastics Forum"
SINGLE = "Recyclingrunde Lingen"
HOSTILE = "Netz <b>fett</b> **stark** [klick](javascript:alert(1))"
EMS_MINUTES = 34

_PEOPLE = [
    "Dr. Anna Müller (Kunststoff Meppen GmbH)",
    "Jens Hansen (Plastindustrien)",
    "Petra Schulz (Hochschule Emden/Leer)",
    "Bernd Janssen (IHK Ostfriesland und Papenburg)",
    "Maria Kruse (Emsland Plast AG)",
    "Tobias Brink (BBS Lingen)",
]
# per year: (agenda subjects, topics) — what the network worked on changed over the years
_YEARS = {
    2015: (["Gründung der Arbeitsgruppe Ausbildung", "Ausbildungsbörse im Emsland"], ["vocational-training"]),
    2016: (
        ["Azubi-Austausch zwischen Mitgliedsbetrieben", "Ausbildungsbörse im Emsland"],
        ["vocational-training"],
    ),
    2017: (
        ["Berufsorientierung an Oberschulen", "Praktikumsbörse"],
        ["careers-orientation", "vocational-training"],
    ),
    2018: (["Fachkräftemangel in der Extrusion", "Weiterbildung Verfahrensmechaniker"], ["skilled-workers"]),
    2019: (["Recycling von Folienabfällen", "Rezyklat-Einsatz in Verpackungen"], ["recycling"]),
    2020: (
        ["Digitale Netzwerktreffen", "Recycling-Pilotprojekt mit der Hochschule"],
        ["recycling", "digitalisation"],
    ),
    2021: (["Digitalisierung der Spritzgießfertigung", "Datenplattform für Rezyklate"], ["digitalisation"]),
    2022: (["Messeauftritt auf der K 2022", "Energiekosten der Betriebe"], ["trade-fairs-events"]),
    2023: (["Energiekosten der Betriebe", "Kreislaufwirtschaft in der Region"], ["recycling", "production"]),
}


def _write(folder: Path, name: str, text: str, meta: dict) -> None:
    (folder / name).write_text(text, encoding="utf-8")
    (folder / f"{name}.meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")


def ems_minutes(i: int, year: int, month: int) -> str:
    """One meeting's minutes: the network's letterhead, who came, the agenda, a decision, a signature."""
    subjects, _ = _YEARS[year]
    present = ", ".join(_PEOPLE[(i + k) % len(_PEOPLE)] for k in range(4))
    return (
        "Kunststoffnetzwerk Ems-Achse\n"
        "Geschäftsstelle: Wachstumsregion Ems-Achse e. V., Ölmühlenweg 21, 26789 Leer\n"
        f"Protokoll der Netzwerksitzung vom {month:02d}.{year}\n"
        "Ort: Technologiezentrum Lingen, Kaiserstraße 10b\n\n"
        f"Anwesend: {present}\n"
        f"Entschuldigt: {_PEOPLE[(i + 4) % len(_PEOPLE)].split(' (')[0]}\n\n"
        "TOP 1: Begrüßung und Genehmigung des Protokolls der letzten Sitzung\n"
        f"TOP 2: {subjects[i % 2]}\n"
        f"Die Mitglieder berichten über ihre Erfahrungen. Sitzung {i + 1} hält fest, was vereinbart wurde.\n"
        f"TOP 3: {subjects[(i + 1) % 2]}\n"
        f"Beschluss: Die Geschäftsstelle bereitet zu „{subjects[i % 2]}“ eine Vorlage für die nächste Sitzung vor.\n"
        "TOP 4: Verschiedenes und nächster Termin\n\n"
        f"gez. {_PEOPLE[i % 3].split(' (')[0].removeprefix('Dr. ')} (Protokoll)\n"
    )


def _vocabulary(corpus: Path) -> None:
    path = corpus / "vocabulary.json"
    vocab = json.loads(path.read_text(encoding="utf-8"))
    for i, (name, region) in enumerate(
        ((DANISH, "danmark"), (DUTCH, ""), (ENGLISH, ""), (SINGLE, "ems-achse"), (HOSTILE, ""))
    ):
        vocab["networks"].append({"id": f"history-{i}", "name": name, "regions": [region] if region else []})
    path.write_text(json.dumps(vocab, ensure_ascii=False, indent=1), encoding="utf-8")


def write_history_corpus(corpus: Path) -> None:
    """The seed corpus (copied) with networks that have a history."""
    shutil.copytree(ROOT / "corpus", corpus, ignore=shutil.ignore_patterns(".deleted", "uploads"))
    _vocabulary(corpus)
    folder = corpus / "documents" / "history"
    folder.mkdir(parents=True)
    years = sorted(_YEARS)
    for i in range(EMS_MINUTES):
        year = years[i * len(years) // EMS_MINUTES]
        month = 1 + (i * 5) % 12
        _write(
            folder,
            f"ems_{i:02d}.txt",
            ems_minutes(i, year, month),
            {
                "title": f"Protokoll Netzwerksitzung {i + 1}",
                "language": "de",
                "date": f"{year}-{month:02d}-15",
                "doctype": "minutes",
                "networks": [EMS],
                "regions": ["ems-achse"],
                "topics": _YEARS[year][1],
            },
        )
    for i, (year, headline) in enumerate(
        ((2016, "Ausbildungsbörse zieht 400 Jugendliche an"), (2019, "Netzwerk startet Recycling-Initiative"))
    ):
        _write(
            folder,
            f"ems_press_{i}.txt",
            f"Pressemitteilung\n\n{headline}\n\nLingen. Das {EMS} meldet: {headline}. "
            "Die beteiligten Betriebe ziehen eine positive Bilanz.\n",
            {
                "title": headline,
                "language": "de",
                "date": f"{year}-06-01",
                "doctype": "press-release",
                "networks": [EMS],
                "regions": ["ems-achse"],
                "topics": _YEARS[year][1],
            },
        )
    danish = [
        (
            "2021-03-04",
            "Genanvendelse af plastemballage i kommunerne",
            "Nyt uddannelsesforløb for procesoperatører",
        ),
        ("2021-09-02", "Fælles stand på Plastens Dag", "Genanvendelse af plastemballage i kommunerne"),
        ("2022-03-10", "Energipriser og produktion", "Praktikpladser i Sønderborg"),
        ("2023-02-16", "Cirkulær økonomi i Syddanmark", "Nye medlemmer"),
    ]
    for i, (date, a, b) in enumerate(danish):
        text = (
            "Plastnetværk Syd\nReferat af netværksmøde\nSted: Syddansk Erhvervsskole, Vejle\n\n"
            "Deltagere:\n- Mette Nielsen, Plastindustrien\n- Søren Jensen (Aalborg Universitet)\n"
            f"- {'Lars Pedersen' if i % 2 else 'Hanne Holm'}\n\nAfbud: Karen Lund\n\n"
            f"1. Velkomst og godkendelse af dagsorden\n2. {a}\n3. {b}\n"
            f"Beslutning: Sekretariatet følger op på punkt 2 til næste møde.\n4. Eventuelt\n\n"
            "Med venlig hilsen\nMette Nielsen\n"
        )
        _write(
            folder,
            f"dk_{i}.txt",
            text,
            {
                "title": f"Referat netværksmøde {date}",
                "language": "da",
                "date": date,
                "doctype": "minutes",
                "networks": [DANISH],
                "regions": ["danmark"],
            },
        )
    for i, (date, subject) in enumerate(
        (
            ("2020-05-12", "Circulaire kunststoffen in de bouw"),
            ("2022-11-08", "Opleidingen voor procesoperators"),
        )
    ):
        text = (
            "Kunststofnetwerk Twente\nVerslag overleg\n\n"
            "Aanwezig: Piet de Vries (Gemeente Enschede); Sanne van der Berg; Jan Bakker – Saxion\n"
            "Afwezig met kennisgeving: Karel Jansen\n\n"
            f"Agendapunt 1: Opening en vaststelling agenda\nAgendapunt 2: {subject}\n"
            "Besluit: Het netwerk start een werkgroep.\nNotulist: Sanne van der Berg\n"
        )
        _write(
            folder,
            f"nl_{i}.txt",
            text,
            {
                "title": f"Verslag overleg {date}",
                "language": "nl",
                "date": date,
                "doctype": "minutes",
                "networks": [DUTCH],
            },
        )
    for i, (date, subject) in enumerate(
        (
            ("2022-04-05", "Budget 2023 for the training centre"),
            ("2023-04-04", "Offshore plastic waste study"),
        )
    ):
        text = (
            "North Sea Plastics Forum\nMinutes of the steering group\n\n"
            "Present: Alice Smith (University of Hull), Bob Jones and Carol White\nApologies: Dan Brown\n\n"
            f"1. Welcome and apologies\n2. {subject}\nDecision: The group approves the proposal.\n"
            "3. Any other business\n\nMinutes taken by: Bob Jones\n"
        )
        _write(
            folder,
            f"en_{i}.txt",
            text,
            {
                "title": f"Steering group {date}",
                "language": "en",
                "date": date,
                "doctype": "minutes",
                "networks": [ENGLISH],
            },
        )
    _write(
        folder,
        "single.txt",
        "Recyclingrunde Lingen\nErstes Treffen der Recyclingrunde.\n\nTOP 1: Sammelsysteme für Folien\n",
        {
            "title": "Erstes Treffen der Recyclingrunde",
            "language": "de",
            "date": "2024-01-20",
            "doctype": "minutes",
            "networks": [SINGLE],
        },
    )
    _write(
        folder,
        "hostile_net.txt",
        "Ein Dokument eines Netzwerks mit einem seltsamen Namen.\n\n1. Tagesordnung mit <script>alert(1)</script>\n",
        {
            "title": "Dokument <i>kursiv</i>",
            "language": "de",
            "date": "2020-02-02",
            "doctype": "minutes",
            "networks": [HOSTILE],
        },
    )
