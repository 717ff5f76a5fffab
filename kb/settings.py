"""Settings, read from the environment with defaults. Each is documented in the README."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from kb.errors import IndexFolderError

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    index_dir: Path
    corpus_dir: Path
    max_upload_bytes: int
    max_pdf_pages: int
    extract_timeout_s: float
    secrets_file: Path
    public_url: str = ""  # the app's address as browsers see it behind a reverse proxy


def load_settings(index_dir: str | Path | None = None, corpus_dir: str | Path | None = None) -> Settings:
    """Settings from arguments, then environment variables, then the project's defaults."""
    env = os.environ
    corpus = Path(corpus_dir or env.get("KB_CORPUS_DIR") or PROJECT_ROOT / "corpus")
    index = Path(index_dir or env.get("KB_INDEX_DIR") or PROJECT_ROOT / "var" / "index")
    name = f"--index {index}" if index_dir else f"KB_INDEX_DIR={index}" if env.get("KB_INDEX_DIR") else ""
    check_apart(index, corpus, name)
    return Settings(
        index_dir=index,
        corpus_dir=corpus,
        max_upload_bytes=int(env.get("KB_MAX_UPLOAD_BYTES", 50 * 1024 * 1024)),
        max_pdf_pages=int(env.get("KB_MAX_PDF_PAGES", 2000)),
        extract_timeout_s=float(env.get("KB_EXTRACT_TIMEOUT_S", 60)),
        secrets_file=Path(env.get("KB_SECRETS_FILE") or PROJECT_ROOT / "var" / "coordinators.json"),
        public_url=env.get("KB_PUBLIC_URL", "").strip(),
    )


def check_apart(index_dir: Path, corpus_dir: Path, name: str = "") -> None:
    """Raise IndexFolderError when the index folder is the corpus, lies inside it or holds it.

    Rebuilding an index replaces its folder's files, so an index there would touch the originals.
    """
    index, corpus = Path(index_dir).resolve(), Path(corpus_dir).resolve()
    name = name or f"the index folder {index_dir}"
    if index == corpus:
        raise IndexFolderError(f"{name}: the index cannot be the corpus folder {corpus_dir}")
    if index.is_relative_to(corpus):
        raise IndexFolderError(f"{name}: the index cannot lie inside the corpus folder {corpus_dir}")
    if corpus.is_relative_to(index):
        raise IndexFolderError(f"{name}: the index folder cannot hold the corpus folder {corpus_dir}")
