"""The Solr configset in the repository (solr/configset/network-kb) without a Solr: its generated word
lists are those of today's vocabulary, and its schema names only fields and types it defines.

The configset on a real SolrCloud: tests/test_solrcloud.py (make test-solr)."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

from defusedxml import ElementTree

from kb import compound

REPO = Path(__file__).resolve().parents[1]
CONFIGSET = REPO / "solr" / "configset" / "network-kb"
GENERATED = ("lang/compound-parts.txt", "lang/compound-parts-folded.txt", "synonyms-concepts.txt")


def _generator():
    spec = importlib.util.spec_from_file_location(
        "solr_configset_generate", REPO / "solr/configset/generate.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_generated_word_lists_are_those_of_the_vocabulary(tmp_path):
    _generator().main(REPO / "corpus", tmp_path)
    assert compound.current_protection() == frozenset()  # the generator's protection ended with it
    for name in GENERATED:
        assert (tmp_path / name).read_text(encoding="utf-8") == (CONFIGSET / name).read_text(
            encoding="utf-8"
        ), f"{name} is out of date: run .venv/bin/python solr/configset/generate.py"


def test_the_compound_lists_hold_the_parts_of_the_vocabulary_compounds():
    parts = set((CONFIGSET / "lang/compound-parts.txt").read_text(encoding="utf-8").split())
    assert {"kunststoff", "netzwerk", "netværk", "netwerk", "tilbud"} <= parts
    folded = set((CONFIGSET / "lang/compound-parts-folded.txt").read_text(encoding="utf-8").split())
    assert "netvaerk" in folded and "netværk" not in folded


def test_the_schema_names_only_its_own_fields_types_and_files():
    schema = ElementTree.parse(CONFIGSET / "schema.xml").getroot()
    fields = {f.get("name"): f for f in schema.iter("field")}
    types = {t.get("name") for t in schema.iter("fieldType")}
    assert schema.findtext("uniqueKey") == "id"
    assert {f.get("type") for f in fields.values()} <= types
    for copy in schema.iter("copyField"):
        assert copy.get("source") in fields and copy.get("dest") in fields
    for facet in ("language", "doctype", "year", "network", "region", "topic"):
        assert fields[facet].get("docValues") == "true"
    for many in ("network", "region", "topic"):
        assert fields[many].get("multiValued") == "true"
    vector = next(t for t in schema.iter("fieldType") if t.get("name") == fields["vec"].get("type"))
    assert (vector.get("vectorDimension"), vector.get("similarityFunction")) == ("384", "cosine")
    files = {
        element.get(attribute)
        for element in schema.iter()
        for attribute in ("dictionary", "synonyms", "mapping", "words")
        if element.get(attribute)
    }
    assert files and all((CONFIGSET / name).is_file() for name in files), files


def test_the_configset_is_only_text_files(tmp_path):
    # the UPLOAD action takes a zip of the folder as it is: nothing generated or binary may lie around
    shutil.copytree(CONFIGSET, tmp_path / "c")
    for path in (tmp_path / "c").rglob("*"):
        if path.is_file():
            path.read_text(encoding="utf-8")
