"""The Whoosh backend: the embedded index in a folder, and every module of kb/ that imports whoosh.

These modules read whoosh's files and patch its writer (postings and term files decoded straight
into numpy, a commit that keeps replaced files a while, a document added whole or not at all), so
they are written against one version: importing the package checks it and fails at once, in one line
naming the version found, rather than misreading an index later.
"""

from __future__ import annotations

from importlib import metadata

from kb.errors import EngineError

#: The whoosh distribution and version this package reads and patches.
WHOOSH_DISTRIBUTION = "whoosh-reloaded"
WHOOSH_VERSION = "2.7.5"


def check_version(found: str | None = None, distribution: str | None = None) -> None:
    """Raise EngineError unless the installed whoosh is whoosh-reloaded WHOOSH_VERSION."""
    if found is None:
        import whoosh

        found = whoosh.versionstring()
    if distribution is None:
        try:
            distribution = metadata.version(WHOOSH_DISTRIBUTION)
        except metadata.PackageNotFoundError:
            distribution = "not installed"
    if found != WHOOSH_VERSION or distribution != WHOOSH_VERSION:
        raise EngineError(
            f"the Whoosh backend needs {WHOOSH_DISTRIBUTION} {WHOOSH_VERSION}, found whoosh {found} "
            f"({WHOOSH_DISTRIBUTION}: {distribution}): pip install '{WHOOSH_DISTRIBUTION}=={WHOOSH_VERSION}'"
        )


check_version()
