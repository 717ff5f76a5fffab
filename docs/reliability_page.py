"""`make docs`: writes docs/reliability.md from the tests' own parameters, so its figures cannot drift.

Every figure below is read from a constant of the test that proves it (or of the code it tests), and
every test named must exist: tests/test_docs.py fails when the page differs from what this writes.
"""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "reliability.md"
for _path in (ROOT, ROOT / "tests"):  # test modules import their helpers as pytest does
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))


@dataclass(frozen=True)
class Row:
    guarantee: str
    how: str
    tests: tuple[str, ...]  # "module::function" under tests/
    figures: str


def _mod(name: str):
    return importlib.import_module(f"tests.{name}")


def _n(value: float) -> str:
    return f"{value:,}"


def rows() -> list[Row]:
    conc, crash, damaged = (
        _mod("test_fault_concurrency"),
        _mod("test_fault_crash"),
        _mod("test_fault_damaged"),
    )
    access, hostile, props = (
        _mod("test_fault_access"),
        _mod("test_fault_hostile"),
        _mod("test_fault_properties"),
    )
    rebuild, disk, origin = (
        _mod("test_fault_rebuild"),
        _mod("test_fault_disk_full"),
        _mod("test_fault_origin"),
    )
    names, unindexable = _mod("test_ingest_name_properties"), _mod("test_fault_unindexable")
    emb = _mod("test_fault_embedding")
    from archive import access as auth
    from archive import throttle
    from kb import compound
    from kb.analysis import MAX_WORD_CHARS
    from kb.query import MAX_QUERY_CHARS
    from kb.semantic import channel, embedder
    from kb.whoosh_backend import document_add, index, superseded

    rush, slow = conc.RUSH, conc.RUSH_SLOW
    kills, kills_slow = crash.INGEST_KILLS, crash.INGEST_KILLS_SLOW
    return [
        Row(
            "Concurrent writers all succeed",
            "A writer that finds the index lock taken waits with exponential back-off (50 ms doubling to 1 s, "
            f"with jitter) for up to `WRITE_WAIT_S` ({index.WRITE_WAIT_S:.0f} s), then gives up with one line: "
            "`the index is busy …` (exit 1)",
            (
                "test_fault_concurrency::test_six_concurrent_writers_all_succeed_while_a_reader_keeps_searching",
                "test_fault_concurrency::test_many_concurrent_writers_with_several_files_each",
                "test_fault_concurrency::test_a_writer_waits_for_the_lock_and_then_writes",
                "test_fault_concurrency::test_a_writer_reports_busy_after_its_bound",
                "test_fault_concurrency::test_the_cli_reports_a_busy_index_in_one_line",
            ),
            f"{rush['writers']} concurrent `kb add`/`kb ingest` processes × {rush['files_each']} files (slow: "
            f"{slow['writers']} × {slow['files_each']} = {slow['writers'] * slow['files_each']} files); every one "
            "exits 0, every document is found by its own word, `kb check` is clean",
        ),
        Row(
            "Embedding never makes an upload, a delete or a page wait",
            "The background embedder takes no lock of the index while the model runs, calls the model for "
            f"{embedder.EMBED_CHUNK} passages at a time (a stop waits for one call and keeps whole documents), "
            f"runs {embedder.BACKGROUND_NICE} nicer than the requests, and a session's vector index takes in new "
            f"shards at most every {channel.REBUILD_S:.0f} s while it works; the app no longer stops it after a write",
            (
                "test_fault_embedding::test_an_upload_and_a_delete_during_embedding_never_wait_for_the_embedder",
                "test_fault_embedding::test_closing_during_embedding_waits_for_one_model_call_and_keeps_whole_documents",
                "test_semantic_background::test_new_shards_are_taken_in_at_most_every_rebuild_s_while_an_embedder_works",
            ),
            f"{emb.DOCS} documents embedding with the model held inside a call: an upload and a delete through "
            f"the archive service and the app's refresh each within {emb.BOUND_S:.0f} s (or twice the same "
            "without embedding), a page too; afterwards every document has its vectors and the deleted one none",
        ),
        Row(
            "Searches keep answering during writes",
            "Readers open committed segments; writes never block them",
            ("test_fault_concurrency::test_searches_answer_while_a_writer_holds_the_lock",),
            "a separate reader process searches in a loop during the whole rush above: 0 search errors, and the "
            "hit count it sees never goes down",
        ),
        Row(
            "A reader outlives another writer's merge",
            "A commit that merges segments notes the files it replaced in `.superseded.json`; a commit at least "
            f"`GRACE_S` ({superseded.GRACE_S:.0f} s) later deletes them (whoosh opens a segment's columns by "
            "name when first read)",
            (
                "test_index_superseded::test_a_reader_opened_before_a_merge_reads_every_column_and_stored_field_after_it",
                "test_index_superseded::test_replaced_files_are_removed_by_the_first_commit_after_the_grace",
            ),
            "a reader opened before another writer's merge reads every ledger row and stored field after it",
        ),
        Row(
            "Opening a missing index at once is safe",
            "The index is created under a lock beside its folder; late openers use the one just created",
            ("test_fault_concurrency::test_concurrent_first_opens_of_a_missing_index_agree",),
            f"{conc.OPENERS} processes open a missing index at once: one index, every document",
        ),
        Row(
            "A crash loses nothing committed",
            "Whoosh writes segments first and the table of contents last (temporary file and rename); the "
            "size and CRC stamp is written the same way",
            (
                "test_fault_crash::test_ingest_killed_at_random_points_loses_nothing",
                "test_fault_crash::test_ingest_killed_again_and_again_loses_nothing",
            ),
            f"{_n(kills['files'])} files, `kb ingest` SIGKILLed (with its workers) {kills['kills']} times at "
            f"fixed-seed random points within {kills['max_delay']} s (slow: {_n(kills_slow['files'])} files, "
            f"{kills_slow['kills']} kills); after every kill the index opens as it is with every document "
            "committed before; the next `kb ingest` finishes and `kb check` is clean",
        ),
        Row(
            "No half-written corpus file",
            "Uploads and metadata files are written to a hidden temporary file, fsynced and renamed into place; "
            "ingest skips hidden files",
            (
                "test_fault_crash::test_add_killed_mid_way_never_leaves_a_half_written_file",
                "test_fault_crash::test_add_killed_twenty_times_never_leaves_a_half_written_file",
            ),
            f"`kb add` of {crash.FILES_PER_ADD} × 600 KB files SIGKILLed {crash.ADD_KILLS} times (slow: "
            f"{crash.ADD_KILLS_SLOW}); every file in `corpus/uploads` is byte-identical to its source, every "
            "metadata file whole JSON",
        ),
        Row(
            "A re-import killed half-way leaves one whole pair",
            "A changed outside file replaces its copy and the copy's metadata file as one change: a record in "
            "`corpus/.replacing/` names the two files staged beside them, turns to `commit` once both are "
            "written, and the next `kb ingest`, `kb check --repair` or rebuild rolls a staging record back and a "
            "committed one forward (under one lock: never a replacement under way)",
            ("test_fault_reimport_kill::test_a_reimport_killed_at_any_rename_leaves_one_whole_pair",),
            "`kb ingest` of a changed file SIGKILLed (with its readers) before each of its renames in `corpus/`, "
            "one run each until one finishes uncut; after `kb check --repair` the copy holds the old text with "
            "the old metadata or the new text with the new, nothing staged is left, the index holds what the "
            "corpus holds and the next ingest ends with the new pair (before: a kill between the two renames left "
            "the old text under the new metadata)",
        ),
        Row(
            "A damaged index is rebuilt, the corpus untouched",
            "On open, segment files are compared with the sizes and CRC-32s recorded at each commit; a damaged "
            "index is reported in one line, moved aside to `INDEX.damaged-<time>` and rebuilt from `corpus/`",
            (
                "test_fault_damaged::test_a_damaged_index_is_reported_moved_aside_and_rebuilt",
                "test_fault_damaged::test_a_missing_table_of_contents_rebuilds_from_the_corpus",
                "test_fault_damaged::test_the_cli_rebuilds_a_damaged_index_with_one_line_on_stderr",
            ),
            f"{len(damaged.DAMAGE)} kinds of damage (table of contents, `.trm`, `.pst`, `.col` truncated, "
            f"emptied, garbled at the same size, removed), every one detected; {damaged.EXTRA_DOCS} documents "
            "beside the seeds rebuilt each time, corpus files byte-identical",
        ),
        Row(
            "`kb check` finds every difference, `--repair` fixes it",
            "The index is compared with `corpus/` by id and checksum; a file or folder that is there but cannot "
            "be read is said to be unreadable (one line with why), and its documents stay in the index",
            (
                "test_fault_damaged::test_check_reports_missing_stale_and_orphaned_and_repair_fixes_them",
                "test_fault_unreadable_corpus::test_check_repair_says_what_cannot_be_read_and_keeps_its_documents",
                "test_fault_unreadable_corpus::test_ingest_prune_says_pruning_was_skipped_and_summarises_the_import",
            ),
            "a missing, a stale and an orphaned document reported (exit 1), repaired (exit 0), then clean; a "
            "file and a folder denied to the user: `unreadable` (exit 1), nothing removed by `--repair` or "
            "`kb ingest --prune` (before: repair removed them as orphans)",
        ),
        Row(
            "Bombs fail alone, the batch goes on",
            "Each file is read in a worker process with a page limit (`KB_MAX_PDF_PAGES`), a time limit "
            "(`KB_EXTRACT_TIMEOUT_S`) and a memory limit (`KB_WORKER_MEMORY_MB`)",
            (
                "test_fault_hostile::test_hostile_files_fail_alone_while_good_ones_are_indexed",
                "test_fault_hostile::test_the_worker_limits_stop_a_runaway_reader",
                "test_fault_hostile::test_a_gigabyte_flate_bomb_fails_alone",
            ),
            f"one batch of good files and {len(hostile.HOSTILE_BATCH)} hostile ones ("
            + ", ".join(hostile.HOSTILE_BATCH.values())
            + "): the good ones are indexed, each hostile one fails alone with one line (slow: a 2 GB flate bomb)",
        ),
        Row(
            "A file the index cannot take fails alone, and is not stored",
            f"Words are cut to {MAX_WORD_CHARS} characters and only words of at most {compound.MAX_WORD} letters "
            "are split into compound parts, without recursion; each document's analysis has a deadline "
            f"(`KB_INDEX_TIMEOUT_S`, {document_add.INDEX_TIMEOUT_S:.0f} s) and is done whole before anything of "
            "it is added, so a document that fails is left out and the rest of its batch is written; an add or "
            "an edit the index refuses is taken back out of `corpus/`",
            (
                "test_analysis_bounds::test_a_document_that_fails_leaves_none_of_its_words_behind",
                "test_analysis_bounds::test_the_writer_processes_report_a_document_they_cannot_index",
                "test_fault_unindexable::test_kb_add_indexes_a_file_of_one_8000_letter_word",
                "test_fault_unindexable::test_a_corpus_with_the_8000_letter_word_rebuilds_and_repairs",
                "test_fault_unindexable::test_kb_add_of_a_file_the_index_refuses_leaves_the_corpus_as_it_was",
                "test_fault_unindexable::test_a_rebuild_goes_on_past_a_file_the_index_refuses",
                "test_fault_hostile::test_kb_ingest_of_a_pdf_that_makes_pypdf_warn_prints_no_warnings",
            ),
            f"a file of one {len(unindexable.GIANT_TEXT.strip()):,}-letter word is indexed and rebuilt; a file whose analysis runs out of time is "
            "one `failed:` line, the others are indexed, and `corpus/` stays byte for byte as it was; a PDF of "
            "100,000 nested dictionaries prints no warnings",
        ),
        Row(
            "A mistyped index folder deletes nothing",
            "An index folder is one the product made (it holds `.network-kb-index`), or missing, or empty; any "
            "other folder is refused with one line (`… is not a network-kb index; refusing to touch it`), and "
            "the index can never be the corpus, lie inside it or hold it. A new schema removes only the "
            "index's own files",
            (
                "test_index_folder::test_a_folder_of_documents_named_as_index_is_refused_and_left_as_it_was",
                "test_index_folder::test_kb_index_dir_naming_a_folder_of_documents_is_refused",
                "test_index_folder::test_the_corpus_can_never_be_the_index_nor_inside_or_around_it",
                "test_index_folder::test_a_new_schema_version_removes_only_the_index_files",
                "test_index_folder::test_a_whoosh_index_of_another_program_is_refused",
            ),
            "`stats`, `search`, `rebuild --yes`, `ingest` and `check --repair` with `--index` naming a folder "
            "of documents, and `KB_INDEX_DIR=.`: exit 2, one line, every file of the folder byte for byte as it "
            "was",
        ),
        Row(
            "A rebuild is atomic to readers",
            "The new index is built beside the live one (`INDEX.building-<pid>`) and swapped in by one commit; "
            "what a killed rebuild leaves is removed by the next open",
            (
                "test_fault_rebuild::test_a_rebuild_killed_mid_way_leaves_every_document_searchable",
                "test_fault_rebuild::test_a_rebuild_killed_at_any_point_leaves_every_document_searchable",
                "test_fault_rebuild::test_searches_during_a_rebuild_never_see_fewer_documents",
            ),
            f"`kb rebuild` of {_n(rebuild.FILES)} files SIGKILLed at five points: every search afterwards "
            "counts every document; a reader searching in a loop during a rebuild never sees fewer",
        ),
        Row(
            "Damage found while the index is in use",
            "The stamp records the last commit's generation, so a deleted newest table of contents is damage, "
            "not an older index; a read error of a changed file is one line, and the index is moved aside and "
            "rebuilt (the app reopens it); a full disk is one line and leaves the index whole",
            (
                "test_fault_damage_in_use::test_a_deleted_newest_table_of_contents_is_damage_not_an_older_index",
                "test_fault_damage_in_use::test_a_postings_file_truncated_under_an_open_index_is_damage_and_the_next_open_rebuilds",
                "test_app_damaged_index::test_a_postings_file_truncated_under_the_app_is_one_line_then_rebuilt",
                "test_fault_disk_full::test_a_full_disk_during_an_import_is_one_line_and_the_index_stays_whole",
            ),
            f"an import onto a {disk.TMPFS_SIZE} tmpfs that fills: one line, exit 1, every document committed "
            "before still searchable and no temporary folder left",
        ),
        Row(
            "One document per file, always",
            "A document's id is made from its corpus path alone: `NAME.txt` keeps `NAME`, other plain names keep "
            "their suffix, any other name gets `~` and a hash of the path; two outside folders of one name are "
            "imported apart (`NAME-2`, with a `.source` note, the folder claimed under the corpus lock, so two "
            "imports at once never choose one folder); every file of a batch gets one outcome line",
            (
                "test_fault_concurrent_imports::test_two_imports_at_once_of_folders_of_one_name_keep_each_others_files",
                "test_ingest_names::test_files_whose_names_made_one_id_are_each_a_document",
                "test_ingest_names::test_kb_ingest_of_colliding_names_gives_one_line_per_file_and_totals_that_add_up",
                "test_ingest_names::test_two_outside_folders_of_one_name_are_imported_apart",
                "test_ingest_names::test_check_repair_moves_a_document_from_its_old_id_to_its_new_one",
                "test_ingest_name_properties::test_every_file_of_any_layout_is_one_document_with_an_id_of_its_own",
                "test_ingest_name_properties::test_every_file_of_many_layouts_is_one_document_with_an_id_of_its_own",
            ),
            "`report.docx`/`.pptx`/`.xlsx`, `Müller`/`Möller`, `Måde`/`Møde`, `Protokoll 1`/`Protokoll-1` and "
            "NFC/NFD twins: 11 files, 11 documents, the same ids after a rebuild; hypothesis: "
            f"{names.FEW.max_examples} folder layouts (slow: {names.MANY.max_examples})",
        ),
        Row(
            "Files are checked before they are read",
            "Files are opened without following links and without waiting (`O_NOFOLLOW`, `O_NONBLOCK`); kind "
            "and size come from `fstat` first: links, FIFOs, devices and files over the limit get one line and "
            "are never read; linked folders are not followed",
            (
                "test_ingest_refusals::test_a_fifo_in_a_folder_is_refused_without_waiting_for_a_writer",
                "test_ingest_refusals::test_a_link_to_a_secret_outside_the_folder_is_not_read",
                "test_ingest_refusals::test_a_file_over_the_limit_is_refused_from_its_size_before_it_is_read",
                "test_ingest_refusals::test_discover_does_not_follow_linked_folders_or_loop",
                "test_ingest_refusals::test_reserved_names_named_explicitly_are_skipped_with_why_and_check_stays_clean",
            ),
            "a FIFO, a link to the secrets file, a 2 GB sparse file and a folder linked into itself: one line "
            "each, nothing read, `kb check` clean",
        ),
        Row(
            "A reader that dies fails alone",
            "A worker killed mid-file breaks its pool: the files the other workers had in flight are read once "
            "more, each in a process of its own",
            ("test_fault_hostile::test_a_reader_that_dies_fails_alone_and_the_files_beside_it_are_read",),
            "a reader SIGKILLed while three good files are read beside it: it fails, the three are indexed",
        ),
        Row(
            "Nobody in through another door",
            "A guard before Streamlit lets the websocket, the cookie routes and uploads answer only the app's "
            "own origin (or `KB_PUBLIC_URL`); uploads need a coordinator's cookie; an error no page caught shows "
            "one line with its type only",
            (
                "test_fault_origin::test_a_page_from_another_origin_cannot_open_the_websocket",
                "test_fault_origin::test_the_cookie_routes_answer_only_the_apps_own_origin",
                "test_fault_origin::test_only_a_signed_in_coordinator_can_upload_files",
                "test_fault_origin::test_a_forged_widget_value_gets_one_line_and_no_traceback",
            ),
            f"a real `kb serve`: a websocket from `{origin.FOREIGN}` and other origins is refused (403); "
            "anonymous uploads are refused; a forged widget value gets one line, no traceback",
        ),
        Row(
            "HTML is stored as text only",
            "Scripts, styles, iframes, objects and event handlers are dropped on extraction; the app escapes "
            "all document text",
            (
                "test_fault_hostile::test_html_with_scripts_and_handlers_is_stored_as_text_only",
                "test_fault_hostile::test_html_text_is_rendered_escaped_by_the_app",
            ),
            "no `<`, `script`, `on…=` or `javascript:` in the stored text",
        ),
        Row(
            "Upload names cannot escape `corpus/uploads`",
            "`safe_filename` keeps the last path component, drops control characters, NFC-normalises and "
            "bounds the length",
            (
                "test_fault_hostile::test_safe_filename_defuses_hostile_names",
                "test_fault_hostile::test_store_upload_never_writes_outside_corpus_uploads",
                "test_fault_properties::test_safe_filename_is_always_safe",
            ),
            f"{len(hostile.HOSTILE_NAMES)} hostile names (`../`, absolute and drive paths, NUL, control and "
            "bidi characters, very long and decomposed names) each stored as its own file inside "
            f"`corpus/uploads`; hypothesis: {props.PROPERTY.max_examples} names",
        ),
        Row(
            "Malformed queries get one line, never a traceback",
            f"`check_syntax` refuses text over {_n(MAX_QUERY_CHARS)} characters, unbalanced quotes or "
            "parentheses and leading wildcards; field values are checked",
            (
                "test_fault_hostile::test_monstrous_or_unbalanced_queries_raise_query_syntax_error",
                "test_fault_hostile::test_the_cli_answers_a_monstrous_query_with_one_line_and_exit_2",
                "test_fault_hostile::test_the_cli_answers_a_year_out_of_range_with_one_line_and_exit_2",
                "test_fault_properties::test_build_query_returns_a_plan_or_raises_query_syntax_error",
                "test_fault_properties::test_a_year_range_finds_the_documents_within_or_is_a_one_line_syntax_error",
            ),
            f"for any text, `build_query` returns a plan or raises `QuerySyntaxError` (hypothesis, "
            f"{props.PROPERTY.max_examples} examples)",
        ),
        Row(
            "Only coordinators change the archive",
            f"Salted scrypt hashes (N = {auth.SCRYPT_N:,}, r = {auth.SCRYPT_R}, p = {auth.SCRYPT_P}) in a file "
            "readable by its owner only, compared in constant time; a session cookie is signed over the "
            "coordinator's password hash, so a new password or a removal ends it",
            (
                "test_fault_access::test_hashes_use_scrypt_with_strong_parameters",
                "test_fault_access::test_every_page_that_writes_asks_for_a_coordinator_first",
                "test_app_session::test_a_session_holds_only_under_the_password_it_was_issued_with",
                "test_fault_origin::test_a_changed_password_or_a_removed_coordinator_ends_open_sessions",
            ),
            "every page that writes asks for a coordinator first",
        ),
        Row(
            "Guessing passwords is bounded",
            f"Failures are counted per name and per client address across sessions and processes (a file "
            f"lock): at most {throttle.MAX_FAILURES_PER_NAME} per name and {throttle.MAX_FAILURES_PER_CLIENT} "
            f"per address in {throttle.WINDOW_S // 60:.0f} minutes, each try counted before its password is "
            f"checked; each failure also waits {auth.FAILURE_DELAY_S} s × the failures",
            (
                "test_fault_access::test_parallel_guesses_at_one_name_reach_the_password_check_at_most_the_limit",
                "test_fault_access::test_parallel_guesses_from_one_address_at_many_names_are_limited",
                "test_app_admin::test_repeated_failures_lock_the_name_with_one_line",
            ),
            f"{access._guesses(access.ONE_NAME)} wrong guesses at one name ({access.ONE_NAME['processes']} "
            f"processes × {access.ONE_NAME['threads']} threads × {access.ONE_NAME['tries']}): "
            f"{throttle.MAX_FAILURES_PER_NAME} reach the password check; "
            f"{access._guesses(access.ONE_ADDRESS)} at many names from one address: "
            f"{throttle.MAX_FAILURES_PER_CLIENT} do",
        ),
        Row(
            "The audit log only grows",
            "One JSON line per upload, edit, delete, import and rebuild, appended with `O_APPEND`",
            (
                "test_fault_access::test_the_audit_log_only_grows",
                "test_fault_access::test_concurrent_audit_appends_never_interleave",
            ),
            f"{access.APPENDERS} processes × {access.ENTRIES_EACH} entries at once give "
            f"{access.APPENDERS * access.ENTRIES_EACH} whole lines, in order per writer",
        ),
    ]


def state_machine() -> str:
    states = _mod("test_archive_states")
    return (
        "`tests/test_archive_states.py` is a stateful property test (hypothesis `RuleBasedStateMachine`) "
        "that does what users do, in random order, on a small corpus of real files: add files (good, "
        "duplicates, hostile, empty, oversized, with valid and invalid metadata), ingest folders inside and "
        "outside `corpus/`, edit metadata, remove, rebuild, check and repair, and SIGKILL `kb add` or "
        "`kb ingest` at a random moment. After every step it checks that every original in `corpus/` is "
        "indexed, that no document disappears except by remove, that a removed file is in `corpus/.deleted/` "
        "byte for byte, that every metadata file is whole valid JSON, that the audit log grew by exactly the "
        "actions taken, and that a refused action leaves `corpus/` byte for byte as it was. "
        f"`make test` runs at least {states.MIN_STEPS} steps with a fixed seed, `make test-slow` at least "
        f"{_n(states.MIN_STEPS_SLOW)} in {states.SLOW_RUNS} runs side by side, each from a random seed "
        "(`make test-deep` runs each as long as `TEST_STATE_STEPS` says)."
    )


def missing_tests(table: list[Row]) -> list[str]:
    """Tests named on the page that do not exist."""
    missing = []
    for row in table:
        for test in row.tests:
            module, _, name = test.partition("::")
            if not hasattr(_mod(module), name):
                missing.append(test)
    return missing


def render() -> str:
    table = rows()
    lines = [
        "# Reliability and security",
        "",
        "<!-- written by `make docs` (docs/reliability_page.py) from the tests' parameters; do not edit -->",
        "",
        "Nothing is lost and nobody gets in without signing in. Each guarantee has tests that prove it with "
        "real processes, real kills and real hostile files; every figure here is read from the parameters of "
        "those tests. `make test` runs the fast ones, `make test-fault` those with real processes, "
        "`make test-slow` the long ones; CI runs them all.",
        "",
        "| Guarantee | How | Proven by | Figures |",
        "|---|---|---|---|",
    ]
    for row in table:
        tests = ", ".join(f"`tests/{t.replace('::', '.py::', 1)}`" for t in row.tests)
        lines.append(f"| **{row.guarantee}** | {row.how} | {tests} | {row.figures} |")
    lines += ["", "## Nothing a user does loses a document", "", state_machine(), ""]
    return "\n".join(lines)


def main() -> int:
    missing = missing_tests(rows())
    if missing:
        print("tests named on the page that do not exist: " + ", ".join(missing), file=sys.stderr)
        return 1
    PAGE.write_text(render(), encoding="utf-8")
    print(f"wrote {PAGE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
