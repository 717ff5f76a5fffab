"""The session cookie's value (signed, expiring, revocable, key made once and kept private) and the
snippet clean-up (no Markdown syntax, no repeated title, highlights kept on the right words)."""

from __future__ import annotations

import stat

import pytest

from archive.access import add_coordinator, load_coordinators, remove_coordinator
from kb.models import Fragment
from webapp import render, session


def test_a_session_value_names_its_coordinator_until_it_expires(tmp_path):
    key = session.signing_key(tmp_path / "coordinators.json")
    value = session.issue(key, "anna", now=1_000)
    assert session.read(key, value, now=1_000 + session.MAX_AGE_S - 1)[0] == "anna"
    assert session.read(key, value, now=1_000 + session.MAX_AGE_S + 1) is None


def test_a_changed_or_foreign_value_is_refused(tmp_path):
    key = session.signing_key(tmp_path / "a" / "coordinators.json")
    other = session.signing_key(tmp_path / "b" / "coordinators.json")
    value = session.issue(key, "anna")
    name, expires, nonce, signature = value.split(".")
    forged = f"{session._b64(b'admin')}.{expires}.{nonce}.{signature}"
    assert session.read(key, forged) is None
    assert session.read(other, value) is None
    assert session.read(key, "garbage") is None
    assert session.read(key, "") is None


def test_the_key_is_made_once_private_and_kept(tmp_path):
    secrets = tmp_path / "var" / "coordinators.json"
    first = session.signing_key(secrets)
    assert session.signing_key(secrets) == first
    mode = session.key_file(secrets).stat().st_mode
    assert stat.S_IMODE(mode) == 0o600
    assert len(first) == 32


def test_a_revoked_session_stays_revoked(tmp_path):
    secrets = tmp_path / "coordinators.json"
    key = session.signing_key(secrets)
    value = session.issue(key, "anna")
    nonce = session.nonce_of(value)
    assert not session.revoked(secrets, nonce)
    session.revoke(secrets, nonce)
    assert session.revoked(secrets, nonce)
    assert not session.revoked(secrets, session.nonce_of(session.issue(key, "anna")))


def test_a_session_holds_only_under_the_password_it_was_issued_with(tmp_path, monkeypatch):
    monkeypatch.delenv("KB_COORDINATORS", raising=False)
    secrets = tmp_path / "coordinators.json"
    add_coordinator(secrets, "anna", "correct-horse-battery")
    add_coordinator(secrets, "bert", "correct-horse-battery")
    key = session.signing_key(secrets)

    def cookie(name):
        return session.issue(key, name, load_coordinators(secrets)[name])

    anna, bert = cookie("anna"), cookie("bert")
    assert session.current(secrets, anna)[0] == "anna"
    assert session.current(secrets, session.issue(key, "anna")) is None  # not bound to her password
    add_coordinator(secrets, "anna", "correct-horse-battery")  # the same password, a new hash
    assert session.current(secrets, anna) is None
    assert session.current(secrets, bert)[0] == "bert"
    remove_coordinator(secrets, "bert")
    assert session.current(secrets, bert) is None
    add_coordinator(secrets, "bert", "correct-horse-battery")  # added again: the old session stays ended
    assert session.current(secrets, bert) is None
    fresh = cookie("bert")
    session.revoke(secrets, session.nonce_of(fresh))
    assert session.current(secrets, fresh) is None


def test_a_ticket_is_good_once():
    ticket = session.new_ticket("value")
    assert session.redeem(ticket) == "value"
    assert session.redeem(ticket) is None
    assert session.redeem("made-up") is None


def plain_with_match(text: str, start: int, word: str) -> tuple[str, str, int]:
    """A text with one match at `start` made plain: (its plain text, the matched text, where it begins)."""
    fragment = render.plain(Fragment(text, ((start, start + len(word)),)))
    ((a, b),) = fragment.matches
    return fragment.text, fragment.text[a:b], a


def test_markdown_syntax_leaves_the_snippet_and_highlights_follow_their_words():
    text = "## 19. Treffen ### **Ort:** [Plastics Innovation Center](#) und `Code`"
    plain, matched, _ = plain_with_match(text, text.index("Innovation"), "Innovation")
    assert plain == "19. Treffen Ort: Plastics Innovation Center und Code"
    assert matched == "Innovation"


def test_a_link_cut_by_the_snippets_edge_leaves_no_syntax():
    text = "Innovation Center](#) (mehr dazu) und [Plastics Innovation"
    plain, matched, at = plain_with_match(text, text.rindex("Innovation"), "Innovation")
    assert plain == "Innovation Center (mehr dazu) und Plastics Innovation"
    assert (matched, at) == ("Innovation", plain.rindex("Innovation"))
    assert render.plain(Fragment("Liste [1] und f(x) [sic] y", ())).text == "Liste [1] und f(x) [sic] y"


def test_a_word_processors_o_bullet_leaves_the_text_and_highlights_follow():
    text = "Teilnehmer:\n  - o Peter Albrecht\n  - o Sabine Fischer\nKontakt o Peter, - o. Dann - o"
    plain, matched, _ = plain_with_match(text, text.index("Sabine"), "Sabine")
    assert plain == "Teilnehmer:\n  - Peter Albrecht\n  - Sabine Fischer\nKontakt o Peter, - o. Dann "
    assert matched == "Sabine"
    assert render.plain(Fragment("Anfrage bei Otto Bock -", ())).text == "Anfrage bei Otto Bock "
    assert render.plain(Fragment("Kunststoff- und -", ())).text == "Kunststoff- und "
    assert render.plain(Fragment("o Unterstützung bei", ())).text == "Unterstützung bei"
    assert render.plain(Fragment("o ja, sagte er", ())).text == "o ja, sagte er"


def test_a_snippet_does_not_repeat_the_title():
    text = "## 9. Haushaltsplan 2024\n\n**Sitzung:** Rat Haushaltsplan"
    start = text.rindex("Haushaltsplan")
    fragment = render.plain(Fragment(text, ((start, start + 13),)))
    cut = render.without_title(fragment, "9 Haushaltsplan 2024")
    assert cut.text == "Sitzung: Rat Haushaltsplan"
    ((a, b),) = cut.matches
    assert cut.text[a:b] == "Haushaltsplan"
    untouched = Fragment("Something else", ())
    assert render.without_title(untouched, "Title") == untouched


def test_a_hit_shows_escaped_text_without_markdown():
    from kb.models import Hit
    from kb.snippets import fragments

    hit = Hit(
        id="x",
        title="T",
        source="x.md",
        score=1.0,
        fragments=fragments("**<b>fett</b>** [Link](http://x)", []),  # as the search makes them
        language="de",
        date=None,
        year=None,
        doctype="other",
        networks=(),
        regions=(),
        topics=(),
    )
    out = render.hit_details(hit, [])
    assert "&lt;b&gt;fett&lt;/b&gt; Link" in out
    assert "**" not in out and "](" not in out


@pytest.mark.parametrize("damage", [b"", b"\n", b"zz-no-hex", b"\xff\xfe", b"abcd"])
def test_a_key_file_that_holds_no_key_is_replaced_never_used(tmp_path, damage):
    """Empty after a kill between making the file and writing it, or damaged: never an empty HMAC key,
    never a traceback on every page."""
    secrets = tmp_path / "coordinators.json"
    session.key_file(secrets).write_bytes(damage)
    key = session.signing_key(secrets)
    assert len(key) == 32 and session.signing_key(secrets) == key
    assert bytes.fromhex(session.key_file(secrets).read_text(encoding="ascii")) == key


def test_a_damaged_revocation_list_keeps_its_good_lines(tmp_path):
    secrets = tmp_path / "coordinators.json"
    revoked = secrets.parent / "revoked-sessions"
    revoked.write_bytes(b"\xff\xfe junk\nabc notanumber\nbeef 9999999999\nnan nan\n")
    assert session.revoked(secrets, "beef") and not session.revoked(secrets, "abc")
    session.revoke(secrets, "cafe")
    assert session.revoked(secrets, "cafe") and session.revoked(secrets, "beef")
