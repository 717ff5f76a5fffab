"""Admin (coordinators only): index status, rebuild, and the audit log."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import streamlit as st

from archive import service
from ingest.errors import IngestError
from ingest.pipeline import NOT_INDEXED
from kb.errors import KBError
from kb.vocabulary import vocabulary_warnings
from webapp import i18n, render, state
from webapp.i18n import t, tn
from webapp.pages import audit
from webapp.pages.common import fail, page_start
from webapp.pages.signin import require_coordinator

MAX_FILE_LINES = 20  # of what a rebuild says of single files; kb rebuild prints every one
_JOB = "_rebuild_job"
OUTCOME_SHOWN_S = 30.0  # a rebuild's outcome is said on every run of the page this long after it ended


@dataclass
class RebuildJob:
    """A rebuild this session started, kept in its state. A click while it works starts another run of
    the page at once, and the first run goes on in its thread until its next Streamlit call, session
    state included, which stops it: so the rebuild writes only here, and whichever run comes next waits
    for it and says its outcome, instead of rebuilding again. The outcome stays a while: a click on the
    stale button after the rebuild ended reruns the page once more, and would take the line away."""

    done: threading.Event = field(default_factory=threading.Event)
    before: int = 0
    after: int | None = None  # documents after the rebuild; None when it did not rebuild
    files: list[tuple[str, str]] = field(default_factory=list)
    error: Exception | None = None
    changed: service.RebuildPlan | None = None  # files gone since the plan was asked about: this one to ask
    ended: float = 0.0  # time.monotonic()


def _status() -> None:
    kb = state.knowledge_base()
    stats = kb.stats(i18n.language())
    st.subheader(t("admin.status"))
    cols = st.columns(3)
    cols[0].metric(t("admin.documents"), stats.documents)
    networks = next(f for f in stats.facets if f.name == "network").values
    cols[1].metric(t("admin.networks"), len(networks))
    cols[2].metric(t("admin.schema"), stats.schema_version)
    _meaning(stats)
    s = state.settings()
    st.caption(t("admin.where", index=s.index_dir, corpus=s.corpus_dir))
    for line in vocabulary_warnings(s.corpus_dir):  # a misspelled key: what it held tags nothing
        st.warning(t("admin.vocabulary", warning=render.md_escape(line)), icon=":material/warning:")


def _meaning(stats) -> None:
    """How many documents are searchable by meaning (a progress bar), and whether embedding runs."""
    if stats.embedded is None:  # the meaning layer is off
        return
    total = stats.embedded + stats.embedding_pending
    st.progress(
        stats.embedded / total if total else 1.0, text=t("admin.meaning", done=stats.embedded, total=total)
    )
    if stats.embedding_now:
        st.caption(t("admin.meaning_now"))
    elif stats.embedding_pending:
        st.caption(t("admin.meaning_waiting", n=stats.embedding_pending))


def _rebuild(user: str) -> None:
    """Rebuild in two steps: say what it will do, ask when the index would shrink, then rebuild (audited)."""
    if st.button(t("admin.rebuild"), icon=":material/refresh:", key="rebuild", on_click=_forget_outcome):
        try:
            st.session_state["_rebuild_plan"] = service.rebuild_plan(state.knowledge_base(), state.settings())
        except KBError as exc:  # the corpus folder missing or unreadable: nothing to rebuild from
            fail(exc)
            return
    plan = st.session_state.get("_rebuild_plan")
    if plan is None:
        return
    if st.session_state.pop("_rebuild_changed", False):
        st.warning(t("admin.rebuild_changed"))
    st.info(t("admin.rebuild_plan", now=plan.documents, files=plan.files))
    sure = True
    if plan.shrinks:
        lost = service.lost_said(plan.lost)  # how many, and a few of them with why
        st.warning(t("admin.rebuild_lost", lost=render.md_escape(lost)), icon=":material/warning:")
        sure = st.checkbox(tn("admin.rebuild_confirm", len(plan.lost)), key="rebuild_sure")
    left, right = st.columns(2)
    if right.button(t("admin.rebuild_cancel"), key="rebuild_cancel"):
        st.session_state.pop("_rebuild_plan", None)
        st.rerun()
    if left.button(t("admin.rebuild_now"), type="primary", disabled=not sure, key="rebuild_now"):
        with st.spinner(t("admin.rebuilding")):
            if st.session_state.pop("_rebuild_plan", None) is None:  # a run of this session took it
                return
            job = st.session_state[_JOB] = RebuildJob()
            try:
                _run(job, user, plan)
            finally:
                job.ended = time.monotonic()
                job.done.set()
        st.rerun()  # the counters above show the rebuilt index, and the outcome is said


def _run(job: RebuildJob, user: str, plan: service.RebuildPlan) -> None:
    """Rebuild with the plan asked about, and keep what happened in the job (no Streamlit call here)."""
    try:  # the plan may be old: files gone since (a share half mounted) are asked about again
        fresh = service.rebuild_plan(state.knowledge_base(), state.settings())
    except KBError as exc:
        job.error = exc
        return
    if not {d.id for d in fresh.lost} <= {d.id for d in plan.lost}:  # others than those agreed to
        job.changed = fresh
        return
    try:  # a document found lost only as its file is read (it no longer opens) is not rebuilt away
        outcomes = service.rebuild(
            state.knowledge_base(), state.settings(), user=user, plan=fresh, confirm=lambda _lost: False
        )
        state.refresh()
        job.before, job.after = fresh.documents, state.knowledge_base().stats().documents
    except (KBError, IngestError, OSError) as exc:  # OSError: a disk full or read-only
        job.error = exc
        return
    job.files = _said_of_files(outcomes)


def _forget_outcome() -> None:
    st.session_state.pop(_JOB, None)


def _outcome() -> None:
    """What this session's rebuild did, once it is done (waiting for it when another run of the page
    still rebuilds)."""
    job = st.session_state.get(_JOB)
    if job is None:
        return
    if not job.done.is_set():
        with st.spinner(t("admin.rebuilding")):
            job.done.wait()
    if job.changed is not None:  # asked again, with these counts; nothing was rebuilt
        _forget_outcome()
        st.session_state["_rebuild_plan"] = job.changed
        st.session_state.pop("rebuild_sure", None)  # a yes to other counts is no yes to these
        st.session_state["_rebuild_changed"] = True
        return
    if time.monotonic() - job.ended > OUTCOME_SHOWN_S:
        _forget_outcome()
        return
    if isinstance(job.error, service.RebuildCancelled):  # a file found unreadable as it was read
        st.error(t("admin.rebuild_cancelled", why=render.md_escape(str(job.error))), icon=":material/error:")
    elif job.error is not None:
        fail(job.error)
    elif job.after is not None:
        st.success(t("admin.rebuilt", n=job.after, before=job.before))
        _show_files(job.files)


def _said_of_files(outcomes) -> list[tuple[str, str]]:
    """What kb rebuild says of single files, in order: each file not indexed (failed, unsupported, a
    duplicate, skipped) with its status and message, then ("warning", "FILE: …") for a file still read."""
    said = [(o.status, o.message or o.source) for o in outcomes if o.status in NOT_INDEXED]
    return said + [("warning", f"{o.source}: {line}") for o in outcomes for line in o.warnings]


def _show_files(said: list[tuple[str, str]]) -> None:
    """The first MAX_FILE_LINES of what a rebuild said of single files, escaped, and how many more."""
    for kind, line in said[:MAX_FILE_LINES]:
        if kind in ("failed", "unsupported"):
            st.error(t("admin.rebuild_failed", message=render.md_escape(line)), icon=":material/error:")
        elif kind in NOT_INDEXED:  # a copy of another file, a link: nothing wrong with a document
            st.warning(t("admin.rebuild_failed", message=render.md_escape(line)), icon=":material/info:")
        else:
            st.warning(t("upload.warning", warning=render.md_escape(line)), icon=":material/warning:")
    if len(said) > MAX_FILE_LINES:
        st.warning(t("admin.rebuild_more", n=len(said) - MAX_FILE_LINES), icon=":material/warning:")


def main() -> None:
    page_start()
    st.title(t("nav.admin"))
    user = require_coordinator(t("admin.signin"))
    _outcome()  # first: the counters below then show the rebuilt index
    try:
        _status()
    except KBError as exc:
        fail(exc)
    _rebuild(user)
    try:
        audit.show()
    except KBError as exc:
        fail(exc)


main()
