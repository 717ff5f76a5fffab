"""The configset on a real SolrCloud (ZooKeeper + 2 Solr 9.10 nodes, 2 shards × 2 replicas): analysis,
facets, highlighting, filtered kNN, and the loss of a node while searching and writing.

`make test-solr` runs these (marker `solr`); tests/solrcloud.py starts and stops the cluster.
"""

from __future__ import annotations

import json
import threading
import time

import numpy as np
import pytest

from kb.models import Document
from kb.solr_backend.backend import document_fields
from tests.solrcloud import COLLECTION, SolrCloud, SolrError, solr_fields, solrcloud  # noqa: F401

pytestmark = pytest.mark.solr

DIM = 384


def _vector(seed: int) -> np.ndarray:
    vector = np.random.default_rng(seed).standard_normal(DIM)
    return vector / np.linalg.norm(vector)


DOCUMENTS = [
    Document(
        id="t/de-1",
        source="t/de-1.txt",
        title="Das Kunststoffnetzwerk Ems-Achse trifft sich",
        text="Das Kunststoffnetzwerk traf sich bei der Firma Müller in Lingen. Die Unternehmen stellten "
        "ihre Ausbildungsberufe vor, und die Ausbildungsmesse wurde geplant.",
        language="de",
        year=2020,
        date="2020-03-31",
        networks=("Kunststoffnetzwerk Ems-Achse",),
        regions=("Ems-Achse",),
        topics=("vocational-training",),
        doctype="minutes",
    ),
    Document(
        id="t/da-1",
        source="t/da-1.txt",
        title="Plastindustrien lancerer nye netværkstilbud",
        text="Virksomhederne i Trekantområdet mødtes på Ærø. Netværkene tilbyder nye kurser for lærlinge.",
        language="da",
        year=2015,
        networks=("Plastindustrien",),
        regions=("Trekantområdet",),
        topics=("plastics",),
        doctype="press-release",
    ),
    Document(
        id="t/nl-1",
        source="t/nl-1.txt",
        title="Het kunststofnetwerk organiseert opleidingen",
        text="De bedrijven in de Eems-as organiseren samen opleidingen voor leerlingen in de kunststofindustrie.",
        language="nl",
        year=2021,
        networks=("Kunststoffnetzwerk Ems-Achse",),
        regions=("Ems-Achse",),
        topics=("vocational-training", "plastics"),
        doctype="project-description",
    ),
    Document(
        id="t/en-1",
        source="t/en-1.txt",
        title="Apprenticeships in the plastics industry",
        text="The participating companies offer apprenticeships; the network's training days start in May.",
        language="en",
        year=2021,
        networks=("Plastindustrien",),
        regions=("Trekantområdet",),
        topics=("vocational-training",),
        doctype="press-release",
    ),
    Document(
        id="t/de-2",
        source="t/de-2.txt",
        title="Schülerlabor in Papenburg eröffnet",
        text="Im neuen Schülerlabor lernen Schüler die Berufswelt der Unternehmen kennen.",
        language="de",
        year=2021,
        networks=("Wachstumsregion Ems-Achse",),
        regions=("Ems-Achse",),
        topics=("careers-orientation",),
        doctype="press-release",
    ),
]


def fold_fields(document: Document) -> dict:
    """The folded fields of a document as the backend writes them."""
    fields = document_fields(document)
    return {name: fields[name] for name in ("title_fold", "text_fold")}


#: Marks the documents of this module in the shared collection.
THIS = "checksum:analysis"


@pytest.fixture(scope="module")
def cloud(request) -> SolrCloud:
    cluster = request.getfixturevalue("solrcloud")  # the session's cluster (imported above)
    # the folded fields hold the terms the backend computes (kb/forms.py), as the product writes them
    docs = [
        {**solr_fields(d, _vector(i)), **fold_fields(d), "checksum": "analysis"}
        for i, d in enumerate(DOCUMENTS)
    ]
    cluster.update(docs)
    return cluster


def ids(response: dict) -> set[str]:
    return {doc["id"] for doc in response["response"]["docs"]}


def search(cloud: SolrCloud, q: str, qf: str, **params) -> dict:
    return cloud.select(
        {"q": q, "defType": "edismax", "qf": qf, "fq": THIS, "fl": "id", "rows": 50, **params}
    )


def test_the_cluster_has_two_shards_of_two_active_replicas_on_both_nodes(cloud):
    replicas = cloud.replicas()
    assert len(cloud.live_nodes()) == 2
    assert sorted(r["shard"] for r in replicas) == ["shard1", "shard1", "shard2", "shard2"]
    assert all(r["state"] == "active" and r["live"] for r in replicas)
    for shard in ("shard1", "shard2"):  # each shard survives the loss of either node
        assert len({r["node"] for r in replicas if r["shard"] == shard}) == 2


def test_a_batch_is_found_whole_and_spread_over_both_shards(cloud):
    batch = [
        {
            "id": f"batch/{n:04d}",
            "title": f"Protokoll {n}",
            "text": "Sitzung des Netzwerks",
            "checksum": "batch",
        }
        for n in range(500)
    ]
    cloud.update(batch)
    found = cloud.select({"q": "*:*", "fq": "checksum:batch", "rows": 0})
    assert found["response"]["numFound"] == 500

    def per_shard() -> list[int]:
        params = {"q": "*:*", "fq": "checksum:batch", "rows": 0}
        return [cloud.select({**params, "shards": s})["response"]["numFound"] for s in ("shard1", "shard2")]

    # a shard named alone may answer from its TLOG replica that is not the leader: it holds the commit
    # once it has copied the leader's segments (within half the autoCommit time)
    waited = time.monotonic()
    while sum(counts := per_shard()) < 500 and time.monotonic() - waited < 30:
        time.sleep(0.5)
    assert sum(counts) == 500 and min(counts) > 0


def test_a_german_compound_is_found_by_its_part(cloud):
    assert ids(search(cloud, "Netzwerk", "text_de")) == {"t/de-1"}
    assert "t/de-1" in ids(search(cloud, "Messe", "text_de"))  # Ausbildungsmesse
    assert ids(search(cloud, "netzwerk", "text_fold")) == {"t/de-1"}  # folded fields split too
    assert "t/de-1" not in ids(search(cloud, "Netzwerk", "text"))  # the exact field does not


def test_danish_and_dutch_compounds_are_found_by_their_parts(cloud):
    assert ids(search(cloud, "tilbud", "text_da title_da")) == {"t/da-1"}  # netværkstilbud
    assert ids(search(cloud, "netwerk", "text_nl title_nl")) == {"t/nl-1"}  # kunststofnetwerk


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Mueller", "t/de-1"),  # ü typed as ue
        ("Muller", "t/de-1"),  # ü typed as u
        ("MÜLLER", "t/de-1"),
        ("Aeroe", "t/da-1"),  # Ærø
        ("Aero", "t/da-1"),
        ("Trekantomraadet", "t/da-1"),  # å typed as aa
        ("Trekantomradet", "t/da-1"),  # å typed as a
        ("Schuelerlabor", "t/de-2"),
    ],
)
def test_folding_finds_each_spelling(cloud, query, expected):
    assert expected in ids(search(cloud, query, "text_fold title_fold"))


@pytest.mark.parametrize(
    ("language", "query", "expected"),
    [
        ("de", "Unternehmens", {"t/de-1", "t/de-2"}),  # Unternehmen
        ("de", "Ausbildungsberuf", {"t/de-1"}),  # Ausbildungsberufe
        ("da", "netværk", {"t/da-1"}),  # Netværkene (and netværkstilbud)
        ("da", "lærling", {"t/da-1"}),  # lærlinge
        ("nl", "opleiding", {"t/nl-1"}),  # opleidingen
        ("nl", "leerling", {"t/nl-1"}),  # leerlingen
        ("en", "company", {"t/en-1"}),  # companies
        ("en", "apprenticeship", {"t/en-1"}),  # apprenticeships
    ],
)
def test_each_language_stems(cloud, language, query, expected):
    assert ids(search(cloud, query, f"text_{language} title_{language}")) == expected
    assert not ids(search(cloud, query, "text title")) & expected  # not by the exact words


def test_concepts_find_other_languages(cloud):
    # "apprentice" is a term of the concept vocational-training: its Danish, Dutch and German terms count
    found = ids(search(cloud, "apprentice", "text_concept title_concept"))
    assert {"t/de-1", "t/da-1", "t/nl-1", "t/en-1"} <= found


def test_facet_counts_ignore_their_own_selection(cloud):
    facets = {
        "region": {"type": "terms", "field": "region", "domain": {"excludeTags": "region"}},
        "year": {"type": "terms", "field": "year", "sort": "index asc"},
        "doctype": {"type": "terms", "field": "doctype"},
    }
    response = cloud.select(
        [
            ("q", "*:*"),
            ("fq", THIS),
            ("fq", '{!tag=region}region:"Ems-Achse"'),
            ("rows", 0),
            ("json.facet", json.dumps(facets)),
        ]
    )
    assert response["response"]["numFound"] == 3
    facets = response["facets"]
    buckets = lambda name: {b["val"]: b["count"] for b in facets[name]["buckets"]}  # noqa: E731
    assert buckets("region") == {"Ems-Achse": 3, "Trekantområdet": 2}  # the whole selection's counts
    assert buckets("year") == {2020: 1, 2021: 2}  # within the selection
    assert buckets("doctype") == {"minutes": 1, "project-description": 1, "press-release": 1}


def test_highlighting_marks_the_compound_that_matched(cloud):
    response = search(cloud, "Netzwerk", "text_de", hl="true", **{"hl.fl": "text_de", "hl.method": "unified"})
    snippets = response["highlighting"]["t/de-1"]["text_de"]
    assert any("«Kunststoffnetzwerk»" in s for s in snippets), snippets


def test_knn_with_a_filter_returns_the_nearest_documents_of_the_filter(cloud):
    target = _vector(4)  # t/de-2's vector, a little moved
    query = target + 0.1 * _vector(99)
    vector = "[" + ",".join(f"{x:.6f}" for x in query) + "]"
    response = cloud.select(
        [("q", f"{{!knn f=vec topK=3}}{vector}"), ("fq", THIS), ("fq", "language:de"), ("fl", "id,score")]
    )
    found = [doc["id"] for doc in response["response"]["docs"]]
    assert found[0] == "t/de-2"
    assert set(found) == {"t/de-1", "t/de-2"}  # only German documents, however near the others are
    unfiltered = cloud.select([("q", f"{{!knn f=vec topK=5}}{vector}"), ("fq", THIS), ("fl", "id")])
    assert len(unfiltered["response"]["docs"]) == 5


# ---- failover -----------------------------------------------------------------------------------


class Writer:
    """Posts small batches with commit=true, retrying each until acknowledged; counts what was acknowledged."""

    def __init__(self, cloud: SolrCloud):
        self.cloud, self.acknowledged, self.retries, self.next_id = cloud, 0, 0, 0
        self.acknowledged_at: list[float] = []
        self.achieved: list[int | None] = []  # the replication factor each batch reached (Solr's rf)
        self.round_seconds: list[float] = []

    def post(self, size: int = 5, timeout: float = 60) -> None:
        batch = [
            {
                "id": f"failover/{n:05d}",
                "title": f"Dokument {n}",
                "text": "Netzwerktreffen",
                "checksum": "failover",
            }
            for n in range(self.next_id, self.next_id + size)
        ]
        deadline = time.monotonic() + timeout
        while True:
            try:
                response = self.cloud.update(batch, timeout=15, min_rf=2)
                self.achieved.append(response["responseHeader"].get("rf"))
                break
            except (SolrError, ConnectionError) as exc:
                if time.monotonic() > deadline:
                    raise AssertionError(f"a batch was not acknowledged within {timeout} s: {exc}") from exc
                self.retries += 1
                time.sleep(0.25)
        self.next_id += size
        self.acknowledged += size
        self.acknowledged_at.append(time.monotonic())

    def count(self, **where) -> int:
        """Every acknowledged document, read from the shard leaders (replica.leader:true): a replica that
        missed a batch while its node was coming back is stale until it has recovered, a leader never is."""
        params = {
            "q": "*:*",
            "fq": "checksum:failover",
            "rows": 0,
            "shards.preference": "replica.leader:true",
        }
        response = self.cloud.select(params, timeout=15, **where)
        assert not response["responseHeader"].get("partialResults"), response["responseHeader"]
        return response["response"]["numFound"]

    def round(self) -> None:
        """One batch, then a search (through each node in turn) that must answer with every acknowledged document."""
        started = time.monotonic()
        self.post()
        found = self.count(prefer=len(self.round_seconds) % len(self.cloud.solr))
        self.round_seconds.append(round(time.monotonic() - started, 2))
        assert found == self.acknowledged, (
            f"a search found {found} of {self.acknowledged} acknowledged documents; "
            f"replicas: {replica_counts(self.cloud)}; {self.cloud.replicas()}; rf of the batches: {self.achieved}"
        )


def replica_counts(cloud: SolrCloud) -> dict[str, int | str]:
    """The failover documents in each replica alone (distrib=false on its own core)."""
    counts: dict[str, int | str] = {}
    params = {"q": "*:*", "fq": "checksum:failover", "rows": 0, "distrib": "false"}
    for index in cloud.live_indexes():
        status = cloud.cluster_status(node=index)
        name = f"127.0.0.1:{cloud.solr[index].port}_solr"
        for shard, data in status["collections"][COLLECTION]["shards"].items():
            for replica in data["replicas"].values():
                if replica["node_name"] == name:
                    try:
                        response = cloud.request(f"/{replica['core']}/select", params, node=index)
                        counts[f"{shard}@{name}"] = response["response"]["numFound"]
                    except (SolrError, ConnectionError) as exc:
                        counts[f"{shard}@{name}"] = str(exc)[:200]
    return counts


def test_losing_a_node_while_searching_and_writing_loses_nothing_and_the_node_rejoins(cloud):
    writer = Writer(cloud)
    for _ in range(3):
        writer.round()
    leaders = {r["node"] for r in cloud.replicas() if r["leader"]}
    victim = next(i for i, n in enumerate(cloud.solr) if f"127.0.0.1:{n.port}_solr" in leaders)
    victim_name = f"127.0.0.1:{cloud.solr[victim].port}_solr"

    killed = time.monotonic()
    cloud.kill_node(victim)
    rounds_after = 0
    while victim_name in cloud.live_nodes() or rounds_after < 3:
        writer.round()
        rounds_after += 1
        assert time.monotonic() - killed < 60, "ZooKeeper did not notice the killed node within 60 s"
    gone_after = time.monotonic() - killed
    resumed_after = min(t for t in writer.acknowledged_at if t > killed) - killed
    # the other node leads both shards now
    assert all(r["leader"] for r in cloud.replicas() if r["live"])

    restart = threading.Thread(target=cloud.start_node, args=(victim,))
    restarted = time.monotonic()
    restart.start()
    while restart.is_alive():
        writer.round()
    restart.join()
    cloud.wait_active(COLLECTION, 4, timeout=60)
    rejoined_after = time.monotonic() - restarted
    for _ in range(3):
        writer.round()

    # nothing lost: every replica of every shard comes to hold every acknowledged document
    converging = time.monotonic()
    while True:
        per_replica = replica_counts(cloud)
        per_shard = [
            {n for name, n in per_replica.items() if name.startswith(f"{s}@")} for s in ("shard1", "shard2")
        ]
        agreed = len(per_replica) == 4 and all(len(c) == 1 for c in per_shard)
        if agreed and sum(min(c) for c in per_shard) == writer.acknowledged:
            break
        assert time.monotonic() - converging < 30, (
            f"the replicas differ: {per_replica} ({writer.acknowledged})"
        )
        time.sleep(0.5)
    converged_after = time.monotonic() - converging
    assert writer.count(node=0) == writer.count(node=1) == writer.acknowledged
    print(
        f"\nfailover: {writer.acknowledged} documents acknowledged in {len(writer.round_seconds)} rounds "
        f"(the slowest {max(writer.round_seconds):.1f} s), {writer.retries} retries; writes resumed "
        f"{resumed_after:.1f} s after the kill, the node left the live nodes after {gone_after:.1f} s, "
        f"rejoined with active replicas {rejoined_after:.1f} s after its restart, replicas agreed "
        f"{converged_after:.1f} s later; rf of the batches {writer.achieved}; rounds (s) {writer.round_seconds}"
    )
