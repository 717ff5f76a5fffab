"""A SolrCloud for `make bench ENGINES=...,solr` and `make eval ENGINE=solr`.

With KB_SOLR_URL set, that SolrCloud is used: the collection (KB_SOLR_COLLECTION, or the name the caller
gives) must exist or is created from the uploaded configset `network-kb`, and is emptied before it is
filled. Without it, the test helper's real SolrCloud (tests/solrcloud.py: ZooKeeper and two Solr 9.10
nodes from solr/launcher, on 127.0.0.1) is started under the output folder, the configset uploaded and
a 2 shards × 2 NRT replicas collection created behind an alias named `collection` (KB_SOLR_REPLICA_TYPE=tlog
for TLOG ones); it is stopped (by pid) when the block ends. The benchmark's ingest fills it as `kb rebuild`
does (bench/children.py): a new collection behind the alias.

The test cluster's JVMs are tuned to start fast (C1 only); here they run with the full JIT compiler, as
a served Solr does, with KB_SOLR_HEAP (default 1g) each. All JVMs share the machine with the benchmark.
"""

from __future__ import annotations

import json
import os
import shutil
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: A benchmark at 100k documents runs for hours: the cluster's JVMs must outlive it (they still exit
#: when this process goes: their standard input is a pipe from it). KB_SOLR_MAX_SECONDS overrides it.
MAX_SECONDS = 8 * 3600
#: Each node's heap unless KB_SOLR_HEAP says otherwise.
HEAP = "1g"


@contextmanager
def solr_cloud(base: Path, collection: str, log=print) -> Iterator[dict[str, str]]:
    """The environment (KB_ENGINE, KB_SOLR_URL, KB_SOLR_COLLECTION) of a SolrCloud holding `collection`."""
    url = os.environ.get("KB_SOLR_URL", "").strip()
    if url:
        collection = os.environ.get("KB_SOLR_COLLECTION", "").strip() or collection
        _ensure_collection(url.split(",")[0].strip(), collection, log)
        log(f"solr: using KB_SOLR_URL={url}, collection {collection}")
        yield {"KB_ENGINE": "solr", "KB_SOLR_URL": url, "KB_SOLR_COLLECTION": collection}
        return
    from tests import solrcloud

    if not os.environ.get("KB_SOLR_MAX_SECONDS"):
        solrcloud.MAX_SECONDS = MAX_SECONDS
    if not os.environ.get("KB_SOLR_HEAP"):
        solrcloud.SOLR_HEAP = HEAP
    # the full JIT compiler: the tests' -XX:TieredStopAtLevel=1 starts fast and runs slowly
    solrcloud.JVM_OPTIONS = tuple(
        o for o in solrcloud.JVM_OPTIONS if not o.startswith("-XX:TieredStopAtLevel")
    )
    message = solrcloud.java_and_maven_message()
    if message:
        raise RuntimeError(f"cannot start a SolrCloud for the benchmark: {message} (or set KB_SOLR_URL)")
    folder = Path(base) / "solrcloud"
    # a previous run's ZooKeeper and nodes' data (a run that was killed): this cluster starts empty
    shutil.rmtree(folder, ignore_errors=True)
    cloud = solrcloud.SolrCloud(folder, nodes=2)
    try:
        cloud.start()
        cloud.upload_configset()
        # behind an alias, as docs/solr.md advises: the benchmark's ingest fills it as `kb rebuild` does
        cloud.create_collection(f"{collection}_1")
        cloud.request(
            "/admin/collections",
            {"action": "CREATEALIAS", "name": collection, "collections": f"{collection}_1"},
        )
        urls = ",".join(cloud.url(i) for i in range(len(cloud.solr)))
        log(
            f"solr: started ZooKeeper + {len(cloud.solr)} nodes ({urls}), collection {collection} (2 × 2 {solrcloud.REPLICA_TYPE.upper()})"
        )
        yield {"KB_ENGINE": "solr", "KB_SOLR_URL": urls, "KB_SOLR_COLLECTION": collection}
    finally:
        cloud.stop()


def _ensure_collection(url: str, collection: str, log) -> None:
    def call(params: dict) -> dict:
        query = urllib.parse.urlencode(params)
        with urllib.request.urlopen(f"{url.rstrip('/')}/admin/collections?{query}", timeout=180) as r:
            return json.loads(r.read())

    status = call({"action": "CLUSTERSTATUS"})["cluster"]
    if collection in (status.get("collections") or {}) or collection in (status.get("aliases") or {}):
        return
    log(
        f"solr: creating collection {collection}_1 from the configset network-kb (2 shards × 2 NRT replicas) "
        f"and the alias {collection}"
    )
    call(
        {
            "action": "CREATE",
            "name": f"{collection}_1",
            "numShards": 2,
            "nrtReplicas": 2,  # every replica analyses: any of them answers with what was acknowledged
            "collection.configName": "network-kb",
            "waitForFinalState": "true",
        }
    )
    call({"action": "CREATEALIAS", "name": collection, "collections": f"{collection}_1"})
