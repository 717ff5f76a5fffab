"""Errors for data problems in one file. Each becomes a per-file outcome; anything else is a bug."""


class IngestError(Exception):
    """Base class: a file could not be turned into a document. The message is one line for people."""


class UnsupportedFile(IngestError):
    """The file's content is of a type we do not read (the message names the detected type)."""

    def __init__(self, message: str, detected: str = "unknown") -> None:
        super().__init__(message)
        self.detected = detected


class ExtractionFailed(IngestError):
    """The file is of a supported type but cannot be read: broken, empty, locked, too large, too slow."""


class PasswordProtected(ExtractionFailed):
    """The file needs a password we do not have."""


class NoTextLayer(ExtractionFailed):
    """The file (an image-only scan) has no text and no OCR was available."""
