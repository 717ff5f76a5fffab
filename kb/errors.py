"""Errors raised by kb/. Only the app and the CLI turn them into messages for people."""


class KBError(Exception):
    """Base class of every error kb/ raises on purpose."""


class QuerySyntaxError(KBError):
    """The query text cannot be parsed or is too long."""


class IndexBusyError(KBError):
    """Another writer held the index lock for longer than we wait."""


class IndexDamagedError(KBError):
    """The index files cannot be read."""


class UnknownDocumentError(KBError):
    """No document with that id."""


class VocabularyError(KBError):
    """The vocabulary file is missing or malformed."""


class SettingError(KBError):
    """A setting's value in the environment cannot be used (not a number, not a known value)."""


class EngineError(KBError):
    """The search engine cannot be used: a version this code was not written for, a server out of reach."""


class CorpusUnavailableError(KBError):
    """The corpus folder is missing or cannot be read: nothing is compared, removed or rebuilt from it."""


class IndexFolderError(KBError):
    """The index folder is refused: another program's folder, or the corpus (or a folder around it)."""


class IndexWriteError(KBError):
    """The index files cannot be written (the disk is full, no permission)."""


class AnalysisTimeoutError(KBError):
    """Analysing one document's text for the index took longer than its deadline."""


class DocumentNotIndexedError(KBError):
    """Documents could not be indexed (their analysis failed or ran out of time); the others were."""

    def __init__(self, failed: dict[str, str]) -> None:
        super().__init__("; ".join(failed.values()))
        self.failed = failed  # id → one line saying why
