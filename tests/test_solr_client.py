"""The Solr backend's HTTP client (kb/solr_backend/client.py) against stand-in servers, without Solr:
retries over the nodes with backoff, which errors are retried, and one line when nothing answers."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kb.errors import EngineError
from kb.solr_backend import client as C
from kb.solr_backend.client import SolrClient, SolrHTTPError


class StandIn:
    """A server answering each request with the next (status, body) of a script (the last repeats)."""

    def __init__(self, script: list[tuple[int, dict]]) -> None:
        self.script, self.seen = list(script), []
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                stand_in.seen.append((self.command, self.path, self.rfile.read(length)))
                status, body = stand_in.script.pop(0) if len(stand_in.script) > 1 else stand_in.script[0]
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _answer

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/solr"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stand_ins():
    made: list[StandIn] = []

    def make(*script):
        made.append(StandIn(list(script)))
        return made[-1]

    yield make
    for s in made:
        s.close()


@pytest.fixture(autouse=True)
def quick_backoff(monkeypatch):
    monkeypatch.setattr(C, "BACKOFF_S", (0.01,))


def dead_url() -> str:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = server.server_address[1]
    server.server_close()  # nothing listens there now
    return f"http://127.0.0.1:{port}/solr"


ERROR = {"error": {"msg": "no leader for shard1\n(elected soon)"}}


def test_a_503_is_retried_until_the_node_answers(stand_ins):
    node = stand_ins((503, ERROR), (503, ERROR), (200, {"ok": 1}))
    client = SolrClient([node.url])
    assert client.request("/c/select", {"q": "*:*"}) == {"ok": 1}
    assert client.retries == 2 and len(node.seen) == 3
    assert node.seen[0][1].startswith("/solr/c/select?q=%2A%3A%2A&wt=json")


def test_a_dead_node_is_skipped_for_a_live_one(stand_ins):
    node = stand_ins((200, {"ok": 1}))
    client = SolrClient([dead_url(), node.url])
    for _ in range(4):  # whichever node a request starts with
        assert client.request("/c/select") == {"ok": 1}
    assert len(node.seen) == 4


def test_a_write_retries_a_500_while_a_leader_is_elected(stand_ins):
    node = stand_ins((500, ERROR), (200, {"responseHeader": {"status": 0}}))
    client = SolrClient([node.url])
    client.request("/c/update", json_body={"add": {"doc": {"id": "a"}}}, write=True)
    assert [m for m, _, _ in node.seen] == ["POST", "POST"]
    assert json.loads(node.seen[1][2]) == {"add": {"doc": {"id": "a"}}}  # the same batch again


def test_a_read_does_not_retry_a_500_and_a_bad_request_is_never_retried(stand_ins):
    node = stand_ins((500, ERROR))
    with pytest.raises(SolrHTTPError) as exc:
        SolrClient([node.url]).request("/c/select")
    assert exc.value.status == 500 and "no leader for shard1 (elected soon)" in str(exc.value)
    bad = stand_ins((400, {"error": {"msg": "ERROR: [doc=a] unknown field 'x'"}}))
    with pytest.raises(SolrHTTPError, match="unknown field 'x'"):
        SolrClient([bad.url]).request("/c/update", body=b"{}", write=True)
    assert len(bad.seen) == 1


def test_nothing_answering_is_one_line_naming_the_url(monkeypatch):
    monkeypatch.setattr(C, "UNREACHABLE_DEADLINE_S", 0.2)
    url = dead_url()
    with pytest.raises(EngineError) as exc:
        SolrClient([url]).request("/c/select")
    message = str(exc.value)
    assert (
        message.startswith(f"cannot reach Solr at {url}: ") and "refused" in message and "\n" not in message
    )


def test_a_cluster_that_keeps_failing_gives_up_at_its_deadline(stand_ins, monkeypatch):
    monkeypatch.setattr(C, "READ_DEADLINE_S", 0.3)
    node = stand_ins((503, ERROR))
    with pytest.raises(EngineError, match=r"cannot reach Solr at .*: HTTP 503: no leader"):
        SolrClient([node.url]).request("/c/select")
    assert len(node.seen) > 2


def test_no_url_is_one_line():
    with pytest.raises(EngineError, match="KB_SOLR_URL"):
        SolrClient([" "])


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("localhost:8983/solr", "does not start with http:// or https://"),
        ("ftp://host/solr", "does not start with http:// or https://"),
        ("http:///solr", "names no host"),
        ("http://host:port/solr", "is not a URL"),
        ("http://host:99999/solr", "is not a URL"),
        ("http://[::1/solr", "is not a URL"),
        ("http://host:0/solr", "names port 0"),
        ("http://host:8983/solr?wt=xml", "has a ? or # part"),
    ],
)
def test_a_url_that_cannot_be_asked_is_one_line_naming_it(url, reason):
    """Refused before any request: not "cannot reach Solr at localhost:8983: Name or service not known"."""
    with pytest.raises(EngineError) as exc:
        SolrClient(["http://127.0.0.1:8983/solr", url])
    message = str(exc.value)
    assert message.startswith(f"KB_SOLR_URL: {url!r} {reason}") and "\n" not in message


def test_good_urls_are_kept_without_their_spaces_and_last_slash():
    client = SolrClient([" http://127.0.0.1:8983/solr/ ", "https://[::1]:8984/solr"])
    assert client.urls == ("http://127.0.0.1:8983/solr", "https://[::1]:8984/solr")


@pytest.mark.parametrize("name", ["bad/name", "../admin/cores", "-x", "a b", "kb?action=x", "sø"])
def test_a_collection_name_solr_cannot_hold_is_one_line_before_any_request(tmp_path, name, monkeypatch):
    """KB_SOLR_COLLECTION becomes part of each request's path: refused before one is sent (the URL
    is a closed port, so a request would fail as unreachable instead)."""
    from kb.solr_backend.backend import SolrBackend
    from kb.vocabulary import Vocabulary

    monkeypatch.setenv("KB_SOLR_COLLECTION", name)
    with pytest.raises(EngineError) as exc:
        SolrBackend(tmp_path / "index", Vocabulary, urls=["http://127.0.0.1:9/solr"])
    message = str(exc.value)
    assert (
        message.startswith(f"KB_SOLR_COLLECTION: {name!r} is no Solr collection name") and "\n" not in message
    )


def test_json_params_keep_every_value_of_a_repeated_name_in_order():
    params = [
        ("q", "Kunststoff"),
        ("fq", "year:2020"),
        ("rows", 10),
        ("fq", "language:de"),
        ("fq", 'id:("a" "b")'),
    ]
    assert C.json_params(params) == {
        "q": "Kunststoff",
        "fq": ["year:2020", "language:de", 'id:("a" "b")'],
        "rows": "10",
    }
    assert C.json_params({"q": "æøå ü"}) == {"q": "æøå ü"}
