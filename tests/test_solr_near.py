"""kb/solr_backend/near.py without a cluster: which words a search asks variants for, how the
spellchecker's answer is read, and which terms a typo-tolerant word stands for (as the Whoosh backend
picks them: the closest first, then the most documents, the first letter kept)."""

from kb import plan as P
from kb.solr_backend import near


def test_only_rare_words_of_letters_long_enough_are_asked():
    words = ["ausbildnug", "kunst", "abc", "2024x", "netzwerk", "ausbildnug"]
    assert near.asked(words) == ["ausbildnug", "kunst", "netzwerk"]
    assert near.asked(words, {"netzwerk": 40, "kunst": 2}) == ["ausbildnug", "kunst"]


def test_the_spellcheckers_answer_is_read_per_word_and_an_unanswered_word_has_none():
    answer = {
        "spellcheck": {
            "suggestions": [
                "ausbildnug",
                {
                    "numFound": 2,
                    "suggestion": [{"word": "ausbildung", "freq": 861}, {"word": "ausbildungs", "freq": 75}],
                },
            ]
        }
    }
    assert near.answers(answer, ["ausbildnug", "zustnadigkeiten"]) == {
        "ausbildnug": {"ausbildung": 861, "ausbildungs": 75},
        "zustnadigkeiten": {},
    }
    assert near.answers({}, ["x"]) == {"x": {}}


def test_the_closest_terms_first_then_the_most_documents_within_the_distance_and_first_letter():
    found = {"ausbildung": 861, "ausbildungs": 75, "ausbilden": 500, "musbildung": 9, "ausbildnugx": 1}
    # one edit: ausbildung (a swap) and ausbildnugx (an added letter); musbildung changes the first letter
    assert near.closest("ausbildnug", 1, 1, found, own=0) == ["ausbildung", "ausbildnugx"]
    # two edits: ausbildungs too; the word itself first when documents hold it
    assert near.closest("ausbildnug", 2, 1, found, own=3) == [
        "ausbildnug",
        "ausbildung",
        "ausbildnugx",
        "ausbildungs",
    ]
    many = {f"ausbildun{chr(97 + i)}": i for i in range(26)}
    assert len(near.closest("ausbildung", 1, 1, many, own=0)) == P.MAX_FUZZY_TERMS


def test_a_fuzzy_node_becomes_the_or_of_its_terms_with_its_boost_and_kind():
    plan = P.And(
        (
            P.Term("content", "kunststoff"),
            P.Fuzzy("fold", "ausbildnug", maxdist=1, prefix=1, boost=0.25, kind=P.FUZZY),
            P.Fuzzy("fold", "zzzzzz", maxdist=1, prefix=1, boost=0.25, kind=P.FUZZY),
            P.Fuzzy("fold", "netzwerk", maxdist=1, prefix=1, boost=0.25, kind=P.FUZZY),
        )
    )
    near_terms = {"ausbildnug": {"ausbildung": 861, "ausbildungs": 75}, "zzzzzz": {}}
    out = near.expanded(plan, near_terms, {"ausbildnug": 0, "zzzzzz": 0})
    assert out.items[0] is plan.items[0]
    assert out.items[1] == P.Term("fold", "ausbildung", boost=0.25, kind=P.FUZZY)
    assert out.items[2] == P.Nothing(kind=P.FUZZY)  # nothing near: matches nothing
    assert out.items[3] is plan.items[3]  # not answered (a frequent word): Solr's own fuzzy query
    two = near.expanded(plan, {"ausbildnug": {"ausbildung": 861, "ausbildnugs": 3}}, {})
    assert two.items[1] == P.Or(
        (P.Term("fold", "ausbildung", kind=P.FUZZY), P.Term("fold", "ausbildnugs", kind=P.FUZZY)),
        boost=0.25,
        kind=P.FUZZY,
    )
