"""A real SolrCloud for the tests: a standalone ZooKeeper and N Solr 9.10 nodes, each its own JVM.

The JVMs run solr/launcher (Maven Central's solr-core and solr-test-framework: JettySolrRunner with the
real HTTP API). The helper builds the launcher when it is missing or older than its sources, starts
ZooKeeper and the nodes on free 127.0.0.1 ports, waits for the live nodes, uploads the configset
solr/configset/network-kb as a zip and creates a collection of 2 shards × 2 replicas. Tests speak HTTP
to it (urllib) as a user's deployment would. `kill_node(i)` is a real SIGKILL of one node's JVM;
`start_node(i)` starts it again on its port and solr home, so its replicas recover.

Nothing outlives a test run: every JVM is bounded (-Xmx, -XX:+ExitOnOutOfMemoryError), exits by itself
after MAX_SECONDS, and exits as soon as its standard input (a pipe from this process) closes, so even a
killed pytest leaves nothing running. Teardown kills every process it started, by pid.

Without java or mvn the fixture skips with a message; under CI (the variable CI set, as .ci/run does)
it fails instead.
"""

from __future__ import annotations

import atexit
import fcntl
import http.client
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
LAUNCHER = REPO / "solr" / "launcher"
LAUNCHER_JAR = LAUNCHER / "target" / "solr-launcher-1.jar"
LAUNCHER_LIB = LAUNCHER / "target" / "lib"
NODE_SOLR_XML = LAUNCHER / "solr.xml"
CONFIGSET = REPO / "solr" / "configset" / "network-kb"

CONFIG_NAME = "network-kb"
COLLECTION = "network-kb"
#: A JVM's maximum lifetime: longer than the tier, short enough that a stuck run ends soon.
MAX_SECONDS = int(os.environ.get("KB_SOLR_MAX_SECONDS", "900"))
#: How long ZooKeeper keeps a killed node's session: a killed node leaves the live nodes after this.
ZK_CLIENT_TIMEOUT_MS = 5000
ZK_TICK_MS = 500  # sessions may be 2..20 ticks long: 1..10 s
SOLR_HEAP = os.environ.get("KB_SOLR_HEAP", "512m")
#: The replicas of each shard: NRT, as docs/solr.md advises (every replica analyses every document, so
#: any of them answers with what was acknowledged), or "tlog" (a non-leader serves the segments it last
#: copied: a search while its leader's node is lost shows deleted documents and misses new ones).
REPLICA_TYPE = os.environ.get("KB_SOLR_REPLICA_TYPE", "nrt")
JVM_OPTIONS = ("-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError", "-XX:TieredStopAtLevel=1", "-Xss512k")


class SolrUnavailable(RuntimeError):
    """Java or Maven is missing, or the launcher cannot be built."""


def unavailable(message: str) -> None:
    """Skipped on a developer's machine, a failure under CI."""
    if os.environ.get("CI"):
        pytest.fail(f"SolrCloud tests cannot run: {message} (CI must run them)")
    pytest.skip(f"SolrCloud tests skipped: {message}")


def _newest_mtime(paths: Iterable[Path]) -> float:
    return max((p.stat().st_mtime for p in paths if p.is_file()), default=0.0)


def build_launcher(timeout: float = 600) -> None:
    """`mvn package` of solr/launcher when its jar or classpath is missing or older than its sources.

    Offline first (the local Maven repository is the cache); online only when that fails.
    """
    if shutil.which("java") is None:
        raise SolrUnavailable("java is not on PATH (Java 17 is needed)")
    with open(LAUNCHER / ".build.lock", "w") as lock:  # one build at a time (pytest-xdist workers)
        fcntl.flock(lock, fcntl.LOCK_EX)
        _build_launcher(timeout)


def _build_launcher(timeout: float) -> None:
    sources = [LAUNCHER / "pom.xml", *(LAUNCHER / "src").rglob("*")]
    if (
        LAUNCHER_JAR.is_file()
        and LAUNCHER_LIB.is_dir()
        and LAUNCHER_JAR.stat().st_mtime >= _newest_mtime(sources)
    ):
        return
    if shutil.which("mvn") is None:
        raise SolrUnavailable("mvn is not on PATH (Maven builds solr/launcher)")
    for offline in (True, False):
        command = ["mvn", "-q", "-B", *(["-o"] if offline else []), "package"]
        done = subprocess.run(command, cwd=LAUNCHER, capture_output=True, text=True, timeout=timeout)
        if done.returncode == 0 and LAUNCHER_JAR.is_file():
            LAUNCHER_JAR.touch()
            return
    raise SolrUnavailable(f"building solr/launcher failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def configset_zip(folder: Path = CONFIGSET) -> bytes:
    """The configset folder as a zip with its files at the top (what the UPLOAD action expects)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()


class SolrError(RuntimeError):
    def __init__(self, status: int, body: str, url: str):
        super().__init__(f"HTTP {status} from {url}: {body[:2000]}")
        self.status, self.body, self.url = status, body, url


@dataclass
class Process:
    """One JVM of the cluster."""

    name: str
    port: int
    command: list[str]
    log: Path
    popen: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.popen = subprocess.Popen(
                self.command,
                stdin=subprocess.PIPE,  # its end tells the JVM that this process has gone
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.log.parent,
                start_new_session=True,  # a Ctrl-C of pytest does not race teardown
            )

    @property
    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def kill(self) -> None:
        """SIGKILL, waited for: the real loss of a node."""
        if self.popen is None:
            return
        if self.popen.poll() is None:
            try:
                os.kill(self.popen.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.popen.wait(timeout=30)
        if self.popen.stdin:
            self.popen.stdin.close()

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


@dataclass
class SolrCloud:
    """ZooKeeper + Solr nodes on 127.0.0.1, started and stopped by the tests."""

    base: Path
    nodes: int = 2
    zk: Process | None = None
    solr: list[Process] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    # ---- lifecycle -------------------------------------------------------------------------------
    def _java(self, heap: str, *args: str, extra: Iterable[str] = ()) -> list[str]:
        classpath = f"{LAUNCHER_JAR}{os.pathsep}{LAUNCHER_LIB}/*"
        return [
            "java",
            f"-Xmx{heap}",
            *JVM_OPTIONS,
            f"-Dlauncher.maxSeconds={MAX_SECONDS}",
            "-Dlauncher.watchStdin=true",
            *extra,
            "-cp",
            classpath,
            "kb.solr.Launcher",
            *args,
        ]

    @property
    def zk_host(self) -> str:
        assert self.zk is not None
        return f"127.0.0.1:{self.zk.port}"

    def start(self, timeout: float = 120) -> SolrCloud:
        started = time.monotonic()
        build_launcher()
        self.timings["build"] = time.monotonic() - started
        atexit.register(self.stop)
        self.base.mkdir(parents=True, exist_ok=True)
        zk_dir = self.base / "zookeeper"
        zk_dir.mkdir(exist_ok=True)
        port = free_port()
        self.zk = Process(
            "zookeeper",
            port,
            self._java("128m", "zk", str(port), str(zk_dir / "data"), str(ZK_TICK_MS)),
            zk_dir / "zookeeper.log",
        )
        self.zk.start()
        self._wait(lambda: self._port_open(port), timeout, "ZooKeeper to listen", self.zk)
        self.timings["zookeeper"] = time.monotonic() - started
        for index in range(self.nodes):
            home = self.base / f"node{index + 1}"
            home.mkdir(exist_ok=True)
            shutil.copy(NODE_SOLR_XML, home / "solr.xml")
            port = free_port()
            extra = (
                f"-Dsolr.zkclienttimeout={ZK_CLIENT_TIMEOUT_MS}",
                f"-Dsolr.log.dir={home}",
                "-Dsolr.autoSoftCommit.maxTime=-1",
                "-Djava.io.tmpdir=" + str(home),
            )
            self.solr.append(
                Process(
                    f"solr{index + 1}",
                    port,
                    self._java(SOLR_HEAP, "solr", str(port), str(home), self.zk_host, extra=extra),
                    home / "solr.log",
                )
            )
        for node in self.solr:
            node.start()
        self.wait_live_nodes(self.nodes, timeout)
        self.timings["nodes"] = time.monotonic() - started
        return self

    def stop(self) -> None:
        """Kill every process started here (nodes first, then ZooKeeper), by pid."""
        for process in [*self.solr, *([self.zk] if self.zk else [])]:
            process.kill()

    def kill_node(self, index: int) -> Process:
        node = self.solr[index]
        node.kill()
        return node

    def start_node(self, index: int, timeout: float = 90) -> None:
        node = self.solr[index]
        assert not node.running, f"{node.name} is running"
        node.start()
        self._wait(lambda: self._node_live(node), timeout, f"{node.name} to join the live nodes", node)

    # ---- HTTP -----------------------------------------------------------------------------------
    def url(self, index: int) -> str:
        return f"http://127.0.0.1:{self.solr[index].port}/solr"

    def live_indexes(self) -> list[int]:
        return [i for i, node in enumerate(self.solr) if node.running]

    def request(
        self,
        path: str,
        params: Mapping | Iterable[tuple[str, object]] | None = None,
        *,
        body: bytes | None = None,
        json_body: object = None,
        content_type: str = "application/json",
        node: int | None = None,
        prefer: int | None = None,
        timeout: float = 30,
    ) -> dict:
        """One request to a node (or to the first running node that answers, from `prefer` on), JSON back.

        A node that refuses the connection or answers 503 is skipped, as a client given a list of nodes would.
        """
        query = urllib.parse.urlencode(list(params.items() if isinstance(params, Mapping) else params or ()))
        if json_body is not None:
            body = json.dumps(json_body).encode()
        live = self.live_indexes()
        if prefer is not None and prefer in live:
            live = live[live.index(prefer) :] + live[: live.index(prefer)]
        candidates = [node] if node is not None else live
        if not candidates:
            raise ConnectionError("no Solr node is running")
        last: Exception | None = None
        for index in candidates:
            url = f"{self.url(index)}{path}" + (f"?{query}" if query else "")
            request = urllib.request.Request(url, data=body, method="POST" if body is not None else "GET")
            if body is not None:
                request.add_header("Content-Type", content_type)
            try:
                with urllib.request.urlopen(request, timeout=timeout) as response:
                    return json.loads(response.read())
            except urllib.error.HTTPError as exc:
                error = SolrError(exc.code, exc.read().decode(errors="replace"), url)
                if exc.code != 503 or node is not None:
                    raise error from None
                last = error  # a node still starting (or stopping): the next one may answer
            except (urllib.error.URLError, ConnectionError, TimeoutError, http.client.HTTPException) as exc:
                last = exc
        raise ConnectionError(f"no Solr node answered {path}: {last}")

    def cluster_status(self, **kwargs) -> dict:
        return self.request("/admin/collections", {"action": "CLUSTERSTATUS"}, **kwargs)["cluster"]

    def live_nodes(self, node: int | None = None) -> list[str]:
        return self.cluster_status(node=node)["live_nodes"]

    def upload_configset(self, name: str = CONFIG_NAME, folder: Path = CONFIGSET) -> None:
        self.request(
            "/admin/configs",
            {"action": "UPLOAD", "name": name, "overwrite": "true", "cleanup": "true"},
            body=configset_zip(folder),
            content_type="application/octet-stream",
            timeout=60,
        )

    def create_collection(
        self,
        name: str = COLLECTION,
        config: str = CONFIG_NAME,
        shards: int = 2,
        replicas: int = 2,
        replica_type: str = REPLICA_TYPE,
    ) -> None:
        started = time.monotonic()
        self.request(
            "/admin/collections",
            {
                "action": "CREATE",
                "name": name,
                "numShards": shards,
                **replica_counts_of(replica_type, replicas),
                "collection.configName": config,
                "waitForFinalState": "true",
            },
            timeout=120,
        )
        self.wait_active(name, shards * replicas)
        self.timings["collection"] = time.monotonic() - started

    def replicas(self, collection: str = COLLECTION, node: int | None = None) -> list[dict]:
        """Every replica of the collection: shard, node name, state, leader, and whether its node is live."""
        status = self.cluster_status(node=node)
        live = set(status["live_nodes"])
        found = []
        for shard, data in status["collections"][collection]["shards"].items():
            for replica in data["replicas"].values():
                found.append(
                    {
                        "shard": shard,
                        "node": replica["node_name"],
                        "state": replica["state"],
                        "leader": replica.get("leader") == "true",
                        "live": replica["node_name"] in live,
                    }
                )
        return found

    def wait_active(self, collection: str = COLLECTION, replicas: int = 4, timeout: float = 90) -> None:
        def active() -> bool:
            found = self.replicas(collection)
            return sum(r["state"] == "active" and r["live"] for r in found) == replicas

        self._wait(active, timeout, f"{replicas} active replicas of {collection}")

    def wait_live_nodes(self, count: int, timeout: float = 90) -> None:
        def enough() -> bool:
            for node in self.solr:
                if not node.running:
                    raise RuntimeError(f"{node.name} exited:\n{node.log_tail()}")
            return len(self.live_nodes()) == count

        self._wait(enough, timeout, f"{count} live Solr nodes")

    def _node_live(self, node: Process) -> bool:
        if not node.running:
            raise RuntimeError(f"{node.name} exited:\n{node.log_tail()}")
        return f"127.0.0.1:{node.port}_solr" in self.live_nodes()

    @staticmethod
    def _port_open(port: int) -> bool:
        with socket.socket() as sock:
            sock.settimeout(0.5)
            return sock.connect_ex(("127.0.0.1", port)) == 0

    def _wait(self, ready, timeout: float, what: str, process: Process | None = None) -> None:
        deadline = time.monotonic() + timeout
        last: Exception | None = None
        while time.monotonic() < deadline:
            try:
                if ready():
                    return
            except (ConnectionError, SolrError, KeyError) as exc:
                last = exc
            if process is not None and not process.running:
                raise RuntimeError(f"{process.name} exited while waiting for {what}:\n{process.log_tail()}")
            time.sleep(0.2)
        tail = f"\n{process.log_tail()}" if process else ""
        raise TimeoutError(f"waited {timeout:.0f} s for {what} (last error: {last}){tail}")

    # ---- the collection ---------------------------------------------------------------------------
    def update(
        self, documents: list[dict], collection: str = COLLECTION, commit: bool = True, min_rf: int = 0, **kw
    ) -> dict:
        """Post documents (JSON); commit=true makes them visible before this returns. With min_rf the
        response's responseHeader.rf says on how many replicas of its shard each batch landed."""
        params = {"commit": "true"} if commit else {}
        if min_rf:
            params["min_rf"] = str(min_rf)
        return self.request(f"/{collection}/update", params, json_body=documents, **kw)

    def select(
        self, params: Mapping | Iterable[tuple[str, object]], collection: str = COLLECTION, **kw
    ) -> dict:
        """A search, sent as a form POST (long kNN vectors fit), answered by the shard leaders as the
        backend's are: a TLOG replica that is not its shard's leader sees a commit only once it has
        copied the leader's new segments (within half the autoCommit time)."""
        items = list(params.items() if isinstance(params, Mapping) else params)
        if not any(k in ("shards.preference", "distrib") for k, _ in items):
            items.append(("shards.preference", "replica.leader:true"))
        items.append(("wt", "json"))
        body = urllib.parse.urlencode(items).encode()
        return self.request(
            f"/{collection}/select", body=body, content_type="application/x-www-form-urlencoded", **kw
        )


LANGUAGES = ("de", "da", "nl", "en")


def solr_fields(document, vector=None) -> dict:
    """A kb.models.Document as the configset's fields: title and text also in their language's pair."""
    fields = {
        "id": document.id,
        "source": document.source,
        "title": document.title,
        "text": document.text,
        "language": document.language,
        "doctype": document.doctype,
        "network": list(document.networks),
        "region": list(document.regions),
        "topic": list(document.topics),
        "checksum": document.checksum,
    }
    if document.language in LANGUAGES:
        fields[f"title_{document.language}"] = document.title
        fields[f"text_{document.language}"] = document.text
    for name in ("date", "year", "added_by", "added_at"):
        if getattr(document, name) is not None:
            fields[name] = getattr(document, name)
    if vector is not None:
        fields["vec"] = [float(x) for x in vector]
    return fields


def replica_counts_of(replica_type: str, replicas: int) -> dict[str, int]:
    """The CREATE parameters for `replicas` replicas of a shard, all of one type (nrt or tlog)."""
    if replica_type not in ("nrt", "tlog"):
        raise ValueError(f"KB_SOLR_REPLICA_TYPE={replica_type!r}: nrt or tlog")
    tlog = replicas if replica_type == "tlog" else 0
    return {"nrtReplicas": replicas - tlog, "tlogReplicas": tlog}


def java_and_maven_message() -> str | None:
    """Why the SolrCloud tests cannot run here, or None."""
    if shutil.which("java") is None:
        return "java is not on PATH (Java 17 is needed)"
    built = LAUNCHER_JAR.is_file() and LAUNCHER_LIB.is_dir()
    if shutil.which("mvn") is None and not built:
        return "mvn is not on PATH (Maven builds solr/launcher from Maven Central)"
    return None


#: The session's one cluster, however many test modules import the fixture (each import is a fixture
#: definition of its own, so pytest would otherwise start one cluster per module).
_shared: dict = {"cluster": None, "users": 0, "error": None}


def _start_shared(tmp_path_factory) -> SolrCloud:
    if _shared["error"] is not None:  # a second module does not try again what failed for the first
        kind, message = _shared["error"]
        if kind == "unavailable":
            unavailable(message)  # skipped, or failed under CI
        pytest.fail(message)
    if _shared["cluster"] is None:
        message = java_and_maven_message()
        if message:
            _shared["error"] = ("unavailable", message)
            unavailable(message)
        cluster = SolrCloud(tmp_path_factory.mktemp("solrcloud"), nodes=2)
        try:
            cluster.start()
            cluster.upload_configset()
            cluster.create_collection()
        except SolrUnavailable as exc:
            cluster.stop()
            _shared["error"] = ("unavailable", str(exc))
            unavailable(str(exc))
        except BaseException as exc:
            cluster.stop()
            _shared["error"] = ("fail", f"the SolrCloud did not start: {exc}")
            raise
        _shared["cluster"] = cluster
    return _shared["cluster"]


@pytest.fixture(scope="session")
def solrcloud(tmp_path_factory):
    """ZooKeeper + 2 Solr nodes with the network-kb configset and a 2 shards × 2 replicas collection.

    One cluster per session, shared by every module that imports this fixture; it stops when the last
    of them is done."""
    cluster = _start_shared(tmp_path_factory)
    _shared["users"] += 1
    try:
        yield cluster
    finally:
        _shared["users"] -= 1
        if _shared["users"] == 0:
            cluster.stop()
            _shared["cluster"] = None
