"""A long document of short paragraphs in a network (a report of many pages, a list of one word a
paragraph) is read for the network's history page in time linear in its length: finding the next line
that is not blank below every blank line made it quadratic, 77 s for 480 KB and hours for a few MB,
while the history page waited."""

from __future__ import annotations

import signal

from kb.attendance import participants

PARAGRAPHS = 300_000  # 900 KB of one-letter paragraphs: about a second read once, hours read quadratically


LIMIT_S = 30  # linear work: under a second on a busy machine


def _stopped(*_) -> None:
    raise TimeoutError(f"not read within {LIMIT_S} s")


def test_a_text_of_many_short_paragraphs_is_read_for_its_participants_in_linear_time():
    text = "Teilnehmer:\n\n- Anna Schmidt (Kunststoff GmbH)\n\n" + "Absatz\n\n" * PARAGRAPHS
    previous = signal.signal(signal.SIGALRM, _stopped)  # (pytest-timeout's alarm may be cancelled by
    signal.setitimer(signal.ITIMER_REAL, LIMIT_S)  # the session's warm-up reader, which sets its own)
    try:
        found = participants(text)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert [p.name for p in found] == ["Anna Schmidt"]


def test_a_list_below_its_label_after_a_blank_line_still_counts_and_ends_at_the_next_blank():
    text = "Anwesend:\n\n- Anna Schmidt\n- Ben Meyer\n\nDie Sitzung beginnt.\n\n- Keine Person\n"
    assert [p.name for p in participants(text)] == ["Anna Schmidt", "Ben Meyer"]
