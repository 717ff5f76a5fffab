"""Natural questions: the question mark is punctuation, and "most of the words" ranks like BM25."""

from __future__ import annotations

from kb import plan as P
from kb.models import SearchRequest
from kb.query import parse_structure
from tests.conftest import doc


def test_a_question_mark_ending_a_word_is_punctuation() -> None:
    assert parse_structure("Wer sang die Nationalhymne?").items[-1] == P.Term("_q", "Nationalhymne")
    assert "?" in str(parse_structure("Nat?onal"))  # inside a word it is still a wildcard


def test_a_question_finds_the_document_with_its_last_word(kb_empty) -> None:
    kb_empty.write(
        [
            doc("anthem", "Lady Gaga sang die Nationalhymne vor dem Spiel.", language="de"),
            doc("other", "Die Mannschaft sang nach dem Spiel im Bus.", language="de"),
        ]
    )
    page = kb_empty.search(SearchRequest("Wer sang die Nationalhymne?"))
    assert [h.id for h in page.hits][0] == "anthem"
    page = kb_empty.search(SearchRequest("Wer sang die Nationalhymne ?"))  # a lone mark, French style
    assert [h.id for h in page.hits][0] == "anthem"


def test_most_of_the_words_needs_a_rare_one(kb_empty) -> None:
    """A document with many common words (der, die, und) and none of the question's rare words is noise,
    not a result (kb/query.py's RELAXED_RARE_SHARE): it must not beat, nor stand beside, the one with
    the rare word, and the count says so."""
    filler = [doc(f"f{i}", f"Der Bericht und die Sitzung der Gruppe {i}.", language="de") for i in range(8)]
    kb_empty.write(
        [
            *filler,
            doc("common", "Der die und der die und der die und Ausschuss.", language="de"),
            doc("rare", "Ein Bericht über Spritzgussmaschinen.", language="de"),
        ]
    )
    page = kb_empty.search(SearchRequest("Wer baut der die und Spritzgussmaschinen"))
    assert page.relaxed
    assert [h.id for h in page.hits] == ["rare"] and page.total == 1


def test_common_words_add_next_to_nothing_among_documents_with_a_rare_one(kb_empty) -> None:
    filler = [
        doc(f"f{i}", f"Der Bericht und die Sitzung der Gruppe {i}.", language="de") for i in range(30)
    ]  # rare: in at most 3 of 32
    kb_empty.write(
        [
            *filler,
            doc(
                "common", "Der die und der die und der die und Ausschuss Spritzgussmaschinen.", language="de"
            ),
            doc("rare", "Ein Bericht über Spritzgussmaschinen und Werkzeugbau.", language="de"),
        ]
    )
    page = kb_empty.search(SearchRequest("Wer baut der die und Spritzgussmaschinen Werkzeugbau"))
    assert page.relaxed and [h.id for h in page.hits] == ["rare", "common"]
    scores = {h.id: h.score for h in page.hits}
    assert scores["common"] < 0.7 * scores["rare"]  # its many common words do not make up for Werkzeugbau
