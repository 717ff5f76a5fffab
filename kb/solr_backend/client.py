"""HTTP to a SolrCloud with the standard library: JSON back, several nodes, retries with backoff.

A request goes to the first node of KB_SOLR_URL that answers (the list is rotated per request so that
load spreads); a node that refuses the connection, times out or answers 503 (starting, stopping, no
leader yet) is skipped and the round is retried with backoff until a deadline. Writes also retry on
HTTP 500: while ZooKeeper elects a new leader after a node is lost, updates to its shards fail for
7-9 s (docs/solr.md). When no node answers, one line: "cannot reach Solr at URL: reason" (EngineError).
"""

from __future__ import annotations

import http.client
import itertools
import json
import logging
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
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


def _solr_message(body: bytes) -> str:
    """The `error.msg` of a Solr error response, on one line (or the start of the body)."""
    text = body.decode("utf-8", errors="replace")
    try:
        message = json.loads(text)["error"]["msg"]
    except (ValueError, KeyError, TypeError):
        message = text
    return " ".join(str(message).split())[:500]


class SolrClient:
    """The nodes of one SolrCloud (base URLs ending in /solr). Thread-safe."""

    def __init__(self, urls: Iterable[str], timeout: float = REQUEST_TIMEOUT_S) -> None:
        self.urls = tuple(u.rstrip("/") for u in urls if u.strip())
        if not self.urls:
            raise EngineError(
                "no Solr URL: set KB_SOLR_URL (http://host:8983/solr, several separated by commas)"
            )
        self.timeout = timeout
        self._turn = itertools.count()
        self._lock = threading.Lock()
        self.retries = 0  # requests repeated after a node failed (for tests and logs)

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
    ) -> dict:
        """One request (path below /solr, such as /COLLECTION/select), retried over the nodes; the JSON
        answer. EngineError when no node answers in time, SolrHTTPError for an error retrying cannot cure."""
        items = [*_items(params), ("wt", "json")]
        if json_body is not None:
            body = json.dumps(json_body, ensure_ascii=False).encode("utf-8")
        query = urllib.parse.urlencode([(k, str(v)) for k, v in items])
        retry_statuses = (500, 503) if write else (503,)
        deadline = time.monotonic() + (deadline_s or (WRITE_DEADLINE_S if write else READ_DEADLINE_S))
        started = time.monotonic()
        last: tuple[str, str] = (self.urls[0], "no answer")
        reached = False  # some node accepted a connection (the cluster is there, perhaps electing)
        for attempt in itertools.count():
            for base in self._order():
                url = f"{base}{path}?{query}"
                req = urllib.request.Request(url, data=body, method="POST" if body is not None else "GET")
                if body is not None:
                    req.add_header("Content-Type", content_type)
                try:
                    with urllib.request.urlopen(req, timeout=self.timeout) as response:
                        return json.loads(response.read())
                except urllib.error.HTTPError as exc:
                    reached = True
                    message = _solr_message(exc.read())
                    if exc.code not in retry_statuses:
                        raise SolrHTTPError(exc.code, message, base) from None
                    last = (base, f"HTTP {exc.code}: {message}")
                except (
                    urllib.error.URLError,
                    ConnectionError,
                    TimeoutError,
                    http.client.HTTPException,
                ) as exc:
                    reason = getattr(exc, "reason", exc)
                    last = (base, str(reason) or type(exc).__name__)
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
