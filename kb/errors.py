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
