"""Access: only signed-in coordinators change the archive; passwords are salted scrypt hashes compared in
constant time with a growing delay after failures; the audit log only ever grows.
"""

from __future__ import annotations

import ast
import base64
import json
import os
import stat
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest

from archive import access as auth
from archive import service

PAGES = Path(__file__).resolve().parents[1] / "webapp" / "pages"
PASSWORD = "correct-horse-battery"


@pytest.fixture
def secrets(tmp_path, monkeypatch):
    monkeypatch.delenv("KB_COORDINATORS", raising=False)
    monkeypatch.setattr(auth, "_failures", {})
    path = tmp_path / "secrets" / "coordinators.json"
    auth.add_coordinator(path, "anna", PASSWORD)
    return path


# -- hashes --------------------------------------------------------------------------------------------


def test_the_same_password_gets_different_salted_hashes():
    first, second = auth.hash_password(PASSWORD), auth.hash_password(PASSWORD)
    assert first != second
    assert first.split("$")[4] != second.split("$")[4]  # different salts
    assert auth._matches(PASSWORD, first) and auth._matches(PASSWORD, second)


def test_hashes_use_scrypt_with_strong_parameters():
    scheme, n, r, p, salt, digest = auth.hash_password(PASSWORD).split("$")
    assert scheme == "scrypt"
    assert int(n) >= 2**14 and int(n) & (int(n) - 1) == 0  # a power of two, at least 16384
    assert int(r) >= 8 and int(p) >= 1
    assert len(base64.b64decode(salt)) >= 16
    assert len(base64.b64decode(digest)) >= 32
    assert PASSWORD not in auth.hash_password(PASSWORD)


def test_the_secrets_file_is_readable_by_its_owner_only_and_holds_no_password(secrets):
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o600
    assert PASSWORD not in secrets.read_text()
    assert json.loads(secrets.read_text())["anna"].startswith("scrypt$")


def test_verify_accepts_the_right_password_only(secrets):
    assert auth.verify(secrets, "anna", PASSWORD)
    assert auth.verify(secrets, " anna ", PASSWORD)
    assert not auth.verify(secrets, "anna", PASSWORD + "x")
    assert not auth.verify(secrets, "anna", "")
    assert not auth.verify(secrets, "bob", PASSWORD)  # unknown name


def test_malformed_stored_hashes_never_verify(tmp_path, monkeypatch):
    monkeypatch.setattr(auth, "_failures", {})
    monkeypatch.setattr(auth, "FAILURE_DELAY_S", 0.0)
    for stored in ("", "plain", "md5$x", "scrypt$1$2$3$!!$!!", f"scrypt$16384$8$1$AAAA${PASSWORD}"):
        monkeypatch.setenv("KB_COORDINATORS", json.dumps({"eve": stored}))
        assert not auth.verify(tmp_path / "none.json", "eve", PASSWORD)


def test_comparison_is_constant_time(secrets, monkeypatch):
    calls = []
    real = auth.hmac.compare_digest

    def spy(a, b):
        calls.append((type(a), type(b)))
        return real(a, b)

    monkeypatch.setattr(auth.hmac, "compare_digest", spy)
    auth.verify(secrets, "anna", PASSWORD)
    assert calls == [(bytes, bytes)]


def test_a_failed_sign_in_costs_at_least_the_failure_delay(secrets):
    started = time.monotonic()
    assert not auth.verify(secrets, "anna", "wrong-password")
    first = time.monotonic() - started
    started = time.monotonic()
    assert not auth.verify(secrets, "anna", "wrong-again")
    second = time.monotonic() - started
    assert first >= auth.FAILURE_DELAY_S
    assert second >= 2 * auth.FAILURE_DELAY_S  # the delay grows with the failures for that name


def test_an_unknown_name_costs_the_same_delay(secrets):
    started = time.monotonic()
    assert not auth.verify(secrets, "mallory", PASSWORD)
    assert time.monotonic() - started >= auth.FAILURE_DELAY_S


def test_a_right_password_resets_the_failures(secrets):
    assert not auth.verify(secrets, "anna", "wrong-password")
    assert auth.verify(secrets, "anna", PASSWORD)
    assert auth._failures["anna"] == 0


def test_weak_passwords_and_bad_names_are_refused(tmp_path):
    with pytest.raises(auth.AuthError):
        auth.add_coordinator(tmp_path / "c.json", "anna", "short")
    for name in ("", "a$b", "line\nbreak", "x" * 65, "anna\x1b[31m", "bell\x07", "rtl\u202eanna"):
        with pytest.raises(auth.AuthError):
            auth.add_coordinator(tmp_path / "c.json", name, PASSWORD)


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("  ", "invalid coordinator name '': a name needs a letter or digit, not only spaces"),
        ("a$b", "invalid coordinator name 'a$b': no $ in a name"),
        ("x" * 500, f"invalid coordinator name '{'x' * 64}…': at most 64 characters (500 given)"),
        (
            "line\nbreak",
            "invalid coordinator name 'line\\nbreak': no line break or control character in a name",
        ),
    ],
)
def test_a_refused_name_says_why_and_shows_only_the_start_of_a_long_one(tmp_path, name, said):
    with pytest.raises(auth.AuthError) as info:
        auth.add_coordinator(tmp_path / "c.json", name, PASSWORD)
    assert str(info.value) == said
    assert not (tmp_path / "c.json").exists()


def test_a_name_typed_decomposed_is_the_same_coordinator_as_composed(tmp_path, monkeypatch):
    monkeypatch.delenv("KB_COORDINATORS", raising=False)
    monkeypatch.setattr(auth, "_failures", {})
    path = tmp_path / "c.json"
    nfd, nfc = unicodedata.normalize("NFD", "Jörg"), unicodedata.normalize("NFC", "Jörg")
    auth.add_coordinator(path, nfd, PASSWORD)  # a Mac terminal
    assert auth.verify(path, nfc, PASSWORD)  # a browser
    auth.add_coordinator(path, nfc, "another-password")  # the same coordinator, a new password
    assert list(auth.load_coordinators(path)) == [nfc]
    assert auth.verify(path, nfd, "another-password")
    path.write_text(json.dumps({nfd: auth.hash_password(PASSWORD)}))  # stored by an earlier version
    assert auth.verify(path, nfc, PASSWORD)
    assert auth.remove_coordinator(path, nfc) and auth.load_coordinators(path) == {}


# -- only coordinators write ----------------------------------------------------------------------------

WRITES = {"store_upload", "update_metadata", "delete_document", "rebuild"}


def _calls(node: ast.AST) -> set[str]:
    return {
        n.func.attr
        for n in ast.walk(node)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in WRITES
    }


def _writing_functions(tree: ast.Module) -> set[str]:
    """The module's functions that write: those calling a write, and those calling one of them (admin's
    rebuild runs in a job function the button's function calls)."""
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    writing = {name for name, f in functions.items() if _calls(f)}
    while True:
        more = {
            name
            for name, f in functions.items()
            if name not in writing
            and any(isinstance(n, ast.Call) and getattr(n.func, "id", "") in writing for n in ast.walk(f))
        }
        if not more:
            return writing
        writing |= more


def test_every_page_that_writes_asks_for_a_coordinator_first():
    """upload and admin call require_coordinator before any write; document shows the editing part only
    to a signed-in coordinator (doc_admin is where edits and deletes happen)."""
    for name in ("upload.py", "admin.py"):
        tree = ast.parse((PAGES / name).read_text())
        main = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "main")
        names = [
            n.func.id if isinstance(n.func, ast.Name) else getattr(n.func, "attr", "")
            for n in ast.walk(main)
            if isinstance(n, ast.Call)
        ]
        assert "require_coordinator" in names, name
        gate = min(
            n.lineno
            for n in ast.walk(main)
            if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "require_coordinator"
        )
        writing = _writing_functions(tree)
        writers = [
            n
            for n in ast.walk(main)
            if isinstance(n, ast.Call) and (_calls(n) or getattr(n.func, "id", "") in writing)
        ]
        assert writers and all(n.lineno > gate for n in writers), name
    assert _calls(ast.parse((PAGES / "doc_admin.py").read_text())) == {"update_metadata", "delete_document"}
    document = ast.parse((PAGES / "document.py").read_text())
    gated = [
        n
        for n in ast.walk(document)
        if isinstance(n, ast.If) and "state.user()" in ast.unparse(n.test) and "doc_admin" in ast.unparse(n)
    ]
    calls_outside = [
        n
        for n in ast.walk(document)
        if isinstance(n, ast.Call)
        and "doc_admin." in ast.unparse(n.func)
        and not any(n in ast.walk(g) for g in gated)
    ]
    assert gated and not calls_outside
    for other in PAGES.glob("*.py"):
        if other.name not in ("upload.py", "admin.py", "doc_admin.py"):
            assert not _calls(ast.parse(other.read_text())), other.name


# -- the audit log --------------------------------------------------------------------------------------


def test_the_audit_log_only_grows(settings):
    kb = service.open_knowledge_base(settings)
    log = service.audit_path(settings)
    snapshots = []

    def snap():
        snapshots.append(log.read_bytes() if log.exists() else b"")

    snap()
    out = service.store_upload(kb, settings, "memo.txt", "Memo über Kunststoff.".encode(), {}, "anna")
    snap()
    service.update_metadata(kb, settings, out.id, {"title": "Memo neu"}, "anna")
    snap()
    service.delete_document(kb, settings, out.id, "bert")
    snap()
    service.store_upload(kb, settings, "zweit.txt", b"Zweites Memo.", {}, "anna")
    snap()
    kb.close()
    for before, after in zip(snapshots, snapshots[1:], strict=False):
        assert after.startswith(before) and len(after) > len(before)  # earlier lines unchanged
        assert after[len(before) :].count(b"\n") == 1  # exactly one line appended per action
    entries = [json.loads(line) for line in snapshots[-1].splitlines()]
    assert [(e["action"], e["user"]) for e in entries] == [
        ("upload", "anna"),
        ("edit", "anna"),
        ("delete", "bert"),
        ("upload", "anna"),
    ]
    assert all(e["at"] for e in entries)
    assert [e["id"] for e in service.read_audit(settings)][-1] == out.id  # newest first


APPENDERS, ENTRIES_EACH = 4, 100  # processes appending to the audit log at once, entries each

APPENDER = """
import sys
from pathlib import Path
from archive import service
from tests.conftest import make_settings
settings = make_settings(Path(sys.argv[1]), Path(sys.argv[1]) / "corpus")
for n in range(int(sys.argv[3])):
    service.audit(settings, sys.argv[2], "edit", f"doc{n}", {"note": "x" * 200})
"""


def test_concurrent_audit_appends_never_interleave(tmp_path):
    root = Path(__file__).resolve().parents[1]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", APPENDER, str(tmp_path), f"user{k}", str(ENTRIES_EACH)], cwd=root
        )
        for k in range(APPENDERS)
    ]
    for p in procs:
        assert p.wait(timeout=120) == 0
    lines = (tmp_path / "secrets" / service.AUDIT_FILE).read_bytes().splitlines()
    assert len(lines) == APPENDERS * ENTRIES_EACH
    entries = [json.loads(line) for line in lines]  # every line whole
    for k in range(APPENDERS):
        mine = [e["id"] for e in entries if e["user"] == f"user{k}"]
        assert mine == [f"doc{n}" for n in range(ENTRIES_EACH)]  # each writer's lines in order


def test_the_audit_log_is_opened_for_appending_only(settings, monkeypatch):
    flags = []
    real_open = os.open

    def spy(path, flag, *args):
        if str(path).endswith(service.AUDIT_FILE):
            flags.append(flag)
        return real_open(path, flag, *args)

    monkeypatch.setattr(service.os, "open", spy)
    service.audit(settings, "anna", "edit", "x", {})
    assert flags and all(f & os.O_APPEND and not f & os.O_TRUNC for f in flags)


# -- sign-in limits across sessions and processes --------------------------------------------------------

ATTACKER = """
import sys, threading
from pathlib import Path
from archive import access
secrets, name, client, threads, tries = Path(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
results = []
def attack(k):
    for n in range(tries):
        try:
            results.append("checked" if not access.sign_in(secrets, name or f"user{k}-{n}", f"guess-{k}-{n}", client or f"10.0.{k}.{n}") else "in")
        except access.TooManyFailures as exc:
            results.append(str(exc))
workers = [threading.Thread(target=attack, args=(k,)) for k in range(threads)]
[w.start() for w in workers]
[w.join() for w in workers]
print("\\n".join(results))
"""


def _attack(secrets: Path, name: str, client: str, processes: int, threads: int, tries: int) -> list[str]:
    """Parallel wrong guesses from several processes and threads; what each try came to."""
    root = Path(__file__).resolve().parents[1]
    args = [str(secrets), name, client, str(threads), str(tries)]
    procs = [
        subprocess.Popen([sys.executable, "-c", ATTACKER, *args], cwd=root, stdout=subprocess.PIPE, text=True)
        for _ in range(processes)
    ]
    out = [p.communicate(timeout=300)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs)
    return [line for text in out for line in text.splitlines()]


#: wrong guesses at one name from parallel processes × threads × tries, each from its own address,
#: and at many names from one address (docs/reliability.md reads these)
ONE_NAME = {"processes": 4, "threads": 4, "tries": 2}
ONE_ADDRESS = {"processes": 3, "threads": 3, "tries": 3}


def _guesses(attack: dict[str, int]) -> int:
    return attack["processes"] * attack["threads"] * attack["tries"]


def test_parallel_guesses_at_one_name_reach_the_password_check_at_most_the_limit(secrets):
    """Guesses from parallel processes and threads, each from its own address: only the limit is checked."""
    started = time.monotonic()
    results = _attack(secrets, "anna", "", **ONE_NAME)
    elapsed = time.monotonic() - started
    assert len(results) == _guesses(ONE_NAME)
    assert results.count("checked") == auth.throttle.MAX_FAILURES_PER_NAME == 5
    assert set(results) - {"checked"} == {"too many failed sign-ins for anna; try again in 15 minutes"}
    print(f"{results.count('checked')} of {len(results)} guesses checked in {elapsed:.1f} s")
    with pytest.raises(auth.TooManyFailures):
        auth.sign_in(secrets, "anna", PASSWORD)  # locked: even the right password waits


def test_parallel_guesses_from_one_address_at_many_names_are_limited(secrets):
    results = _attack(secrets, "", "203.0.113.7", **ONE_ADDRESS)
    assert len(results) == _guesses(ONE_ADDRESS)
    assert results.count("checked") == auth.throttle.MAX_FAILURES_PER_CLIENT == 20
    assert set(results) - {"checked"} == {
        "too many failed sign-ins from this address; try again in 15 minutes"
    }


def test_a_right_password_forgets_the_names_failures_and_setting_a_password_lifts_a_lock(secrets):
    for n in range(auth.throttle.MAX_FAILURES_PER_NAME - 1):
        assert not auth.sign_in(secrets, "anna", f"wrong-{n}", "198.51.100.1")
    assert auth.sign_in(secrets, "anna", PASSWORD, "198.51.100.1")
    for n in range(auth.throttle.MAX_FAILURES_PER_NAME):
        assert not auth.sign_in(secrets, "anna", f"wrong-{n}", f"198.51.100.{n + 2}")
    with pytest.raises(auth.TooManyFailures) as locked:
        auth.sign_in(secrets, "anna", PASSWORD, "198.51.100.99")
    assert (locked.value.name, locked.value.minutes) == ("anna", 15)
    auth.add_coordinator(secrets, "anna", PASSWORD + "!")  # whoever runs the archive sets a new password
    assert auth.sign_in(secrets, "anna", PASSWORD + "!", "198.51.100.99")


def test_a_damaged_record_of_failures_locks_no_one_out(secrets):
    auth.throttle.record_file(secrets).write_text("{not json")
    assert auth.sign_in(secrets, "anna", PASSWORD)
    auth.throttle.record_file(secrets).write_text('{"name:anna": "x", "client:local": [1e99, 1e99, "x"]}')
    assert auth.sign_in(secrets, "anna", PASSWORD)
