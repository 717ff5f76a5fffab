"""A metadata file whose date and year disagree (hunt finding 11): the date is kept (it names its own
year) and one warning names the file and both values; a year alone, or one that agrees, is read silently."""

from __future__ import annotations

import json

TEXT = "Ein Bericht über Kunststoff im Netzwerk.\n"


def _ingested(run_cli, settings, metadata: dict):
    path = settings.corpus_dir / "documents" / "d.txt"
    path.write_text(TEXT, encoding="utf-8")
    (path.parent / "d.txt.meta.json").write_text(json.dumps(metadata), encoding="utf-8")
    result = run_cli("ingest", "--no-embed", path)
    doc = run_cli("show", "--json", "documents/d").json
    return result, (doc["date"], doc["year"])


def test_a_date_and_a_year_that_disagree_keep_the_date_and_warn_once(run_cli, settings):
    result, dated = _ingested(run_cli, settings, {"date": "2019-05-01", "year": 2015})
    assert dated == ("2019-05-01", 2019)
    assert result.code == 0
    assert result.err == (
        "warning: documents/d.txt: d.txt.meta.json: date '2019-05-01' and year 2015 disagree; the date is kept\n"
    )


def test_the_warning_is_in_the_files_json_line(run_cli, settings):
    path = settings.corpus_dir / "documents" / "d.txt"
    path.write_text(TEXT, encoding="utf-8")
    (path.parent / "d.txt.meta.json").write_text('{"date": "März 2019", "year": "2015"}', encoding="utf-8")
    (line,) = run_cli("ingest", "--no-embed", "--json", path).lines
    assert line["warnings"] == ["d.txt.meta.json: date '2019-03' and year 2015 disagree; the date is kept"]


def test_a_date_and_a_year_that_agree_are_read_silently(run_cli, settings):
    result, dated = _ingested(run_cli, settings, {"date": "2019-05", "year": 2019})
    assert (dated, result.err) == (("2019-05", 2019), "")


def test_a_year_alone_still_dates_the_document(run_cli, settings):
    result, dated = _ingested(run_cli, settings, {"year": 2015})
    assert (dated, result.err) == (("2015", 2015), "")
