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


def test_most_of_the_words_counts_rare_words_over_common_ones(kb_empty) -> None:
    """A document with many common words (der, die, und) must not beat one with the question's rare word."""
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
    scores = {h.id: h.score for h in page.hits}
    assert [h.id for h in page.hits][0] == "rare"
    assert scores["common"] < 0.1 * scores["rare"]  # words in most documents add next to nothing
