"""HTTP to a SolrCloud with the standard library: JSON back, several nodes, retries with backoff.

A request goes to the first node of KB_SOLR_URL that answers (the list is rotated per request so that
load spreads); a node that refuses the connection, times out or answers 503 (starting, stopping, no
leader yet) is skipped and the round is retried with backoff until a deadline. Writes also retry on
HTTP 500: while ZooKeeper elects a new leader after a node is lost, updates to its shards fail for
7-9 s (docs/solr.md). When no node answers, one line: "cannot reach Solr at URL: reason" (EngineError).

Connections are kept alive (HTTP/1.1), one per node and thread: a results page is two or three
requests, and a new TCP connection for each cost 1-3 ms of the page on a loaded machine. A kept
connection the node has closed meanwhile is opened again once at once, without counting as a failure.
"""

from __future__ import annotations

import http.client
import itertools
import json
import logging
import threading
import time
import urllib.parse
from collections.abc import Iterable, Mapping

from kb.errors import EngineError

log = logging.getLogger(__name__)

#: How long a request keeps retrying: a search, and a write (which waits out a leader election).
READ_DEADLINE_S = 10.0
WRITE_DEADLINE_S = 30.0
#: How long a request keeps retrying when no node accepts a connection at all (Solr is down).
UNREACHABLE_DEADLINE_S = 3.0
BACKOFF_S = (0.1, 0.2, 0.4, 0.8, 1.6)  # then the last, again and again
REQUEST_TIMEOUT_S = 60.0

Params = Mapping[str, object] | Iterable[tuple[str, object]]


class SolrHTTPError(EngineError):
    """Solr answered with an HTTP error that retrying does not cure (a bad request, a bad document)."""

    def __init__(self, status: int, message: str, url: str) -> None:
        super().__init__(f"Solr at {url} answered HTTP {status}: {message}")
        self.status, self.message, self.url = status, message, url


def _items(params: Params | None) -> list[tuple[str, object]]:
    if params is None:
        return []
    return list(params.items() if isinstance(params, Mapping) else params)


def json_params(params: Params) -> dict[str, str | list[str]]:
    """Request parameters as the JSON Request API's `params` block (a repeated name holds a list):
    json.dumps encodes a kNN vector or a long id list in C, where a form body quotes it byte by byte
    in Python (24 ms of a page's CPU with meaning at 100k documents, docs/solr.md)."""
    out: dict[str, str | list[str]] = {}
    for key, value in _items(params):
        text = str(value)
        kept = out.get(key)
        if kept is None:
            out[key] = text
        elif isinstance(kept, list):
            kept.append(text)
        else:
            out[key] = [kept, text]
    return out


def _solr_message(body: bytes) -> str:
    """The `error.msg` of a Solr error response, on one line (or the start of the body)."""
    text = body.decode("utf-8", errors="replace")
    try:
        message = json.loads(text)["error"]["msg"]
    except (ValueError, KeyError, TypeError):
        message = text
    return " ".join(str(message).split())[:500]


def _url_problem(url: str) -> str | None:
    """Why a node's base URL cannot be asked (None when it can): a scheme other than http(s) and a
    missing host would otherwise fail as a name lookup or a refused connection, far from the cause."""
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError as exc:  # a port that is no number, brackets that do not close
        return f"is not a URL ({exc})"
    if parts.scheme not in ("http", "https"):
        return "does not start with http:// or https://"
    if not parts.hostname:
        return "names no host"
    if port == 0:
        return "names port 0"
    if parts.query or parts.fragment:
        return "has a ? or # part; give the node's base URL"
    return None


class SolrClient:
    """The nodes of one SolrCloud (base URLs ending in /solr). Thread-safe."""

    def __init__(self, urls: Iterable[str], timeout: float = REQUEST_TIMEOUT_S) -> None:
        self.urls = tuple(u.strip().rstrip("/") for u in urls if u.strip())
        if not self.urls:
            raise EngineError(
                "no Solr URL: set KB_SOLR_URL (http://host:8983/solr, several separated by commas)"
            )
        for url in self.urls:
            problem = _url_problem(url)
            if problem:
                raise EngineError(f"KB_SOLR_URL: {url!r} {problem} (such as http://host:8983/solr)")
        self.timeout = timeout
        self._turn = itertools.count()
        self._lock = threading.Lock()
        self._local = threading.local()  # this thread's kept connections: {base URL: (connection, path)}
        self.retries = 0  # requests repeated after a node failed (for tests and logs)
        self.requests = 0  # requests made (each counted once, however often retried)

    def _connection(self, base: str, fresh: bool = False) -> tuple[http.client.HTTPConnection, str]:
        """This thread's kept connection to a node (opened again when `fresh`), and the node's path."""
        kept = getattr(self._local, "connections", None)
        if kept is None:
            kept = self._local.connections = {}
        found = kept.get(base)
        if found is None or fresh:
            if found is not None:
                found[0].close()
            parts = urllib.parse.urlsplit(base)
            kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
            found = kept[base] = (kind(parts.netloc, timeout=self.timeout), parts.path)
        return found

    def _exchange(self, base: str, target: str, body: bytes | None, headers: dict) -> tuple[int, bytes]:
        """(status, body) of one request on this thread's connection to `base`; a kept connection the
        node closed while idle is opened again once (OSError, HTTPException when the node is gone)."""
        for fresh in (False, True):
            connection, prefix = self._connection(base, fresh)
            reused = connection.sock is not None
            try:
                connection.request("POST" if body is not None else "GET", prefix + target, body, headers)
                response = connection.getresponse()
                return response.status, response.read()
            except (ConnectionError, http.client.HTTPException):  # reset, or closed before answering
                connection.close()
                if not reused or fresh:
                    raise
            except OSError:
                connection.close()
                raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Close this thread's kept connections (others close when their threads end)."""
        for connection, _ in getattr(self._local, "connections", {}).values():
            connection.close()
        self._local.connections = {}

    @property
    def shown(self) -> str:
        return ", ".join(self.urls)

    def _order(self) -> list[str]:
        with self._lock:
            start = next(self._turn) % len(self.urls)
        return list(self.urls[start:] + self.urls[:start])

    def request(
        self,
        path: str,
        params: Params | None = None,
        *,
        body: bytes | None = None,
        json_body: object = None,
        content_type: str = "application/json",
        write: bool = False,
        deadline_s: float | None = None,
        nodes: Iterable[str] | None = None,
    ) -> dict:
        """One request (path below /solr, such as /COLLECTION/select), retried over the nodes (or only
        over `nodes`, base URLs of this cluster); the JSON answer. EngineError when no node answers in
        time, SolrHTTPError for an error retrying cannot cure."""
        self.requests += 1
        items = [*_items(params), ("wt", "json")]
        if json_body is not None:
            body = json.dumps(json_body, ensure_ascii=False).encode("utf-8")
        query = urllib.parse.urlencode([(k, str(v)) for k, v in items])
        retry_statuses = (500, 503) if write else (503,)
        deadline = time.monotonic() + (deadline_s or (WRITE_DEADLINE_S if write else READ_DEADLINE_S))
        started = time.monotonic()
        last: tuple[str, str] = (self.urls[0], "no answer")
        reached = False  # some node accepted a connection (the cluster is there, perhaps electing)
        headers = {"Content-Type": content_type} if body is not None else {}
        for attempt in itertools.count():
            for base in self._order() if nodes is None else [n.rstrip("/") for n in nodes]:
                try:
                    status, data = self._exchange(base, f"{path}?{query}", body, headers)
                    if status >= 400:
                        reached = True
                        message = _solr_message(data)
                        if status not in retry_statuses:
                            raise SolrHTTPError(status, message, base)
                        last = (base, f"HTTP {status}: {message}")
                        continue
                    return json.loads(data)
                except (OSError, http.client.HTTPException) as exc:  # refused, reset, timed out
                    last = (base, str(exc) or type(exc).__name__)
                except ValueError as exc:  # not JSON: not Solr
                    raise EngineError(f"Solr at {base} answered something that is not JSON: {exc}") from None
            now = time.monotonic()
            limit = deadline if reached else min(deadline, started + UNREACHABLE_DEADLINE_S)
            if now >= limit:
                break
            self.retries += 1
            pause = BACKOFF_S[min(attempt, len(BACKOFF_S) - 1)]
            log.info("Solr request %s failed (%s: %s); retrying in %.1f s", path, *last, pause)
            time.sleep(min(pause, max(0.0, limit - now)))
        raise EngineError(f"cannot reach Solr at {last[0]}: {last[1]}")
