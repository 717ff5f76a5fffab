"""What a value typed on the `kb` command line must be: each checked in one place, refused in one line."""

from __future__ import annotations

import argparse
import math
import os
import re
from pathlib import Path

_WEB_ADDRESS = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


class Once(argparse.Action):
    """An option that holds one value: given twice with two values it is refused, never the last one
    taken silently (`kb edit ID --title A --title B` stored B)."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:  # noqa: ARG002 (argparse calls it so)
        before = getattr(namespace, self.dest, None)
        if before is not None and before != self.default and before != values:
            raise argparse.ArgumentError(
                self, f"given twice ({_said(before)} and {_said(values)}): give it once"
            )
        setattr(namespace, self.dest, values)


def _said(value: object) -> str:
    """A value as an error quotes it: a folder as typed ('a'), not as Python shows it (PosixPath('a'))."""
    return repr(str(value)) if isinstance(value, Path) else repr(value)


def path_arg(text: str) -> Path:
    """A file or folder named on the command line: an empty name (an unset shell variable) is no path,
    never the working directory that Path("") stands for."""
    if not text:
        raise argparse.ArgumentTypeError("an empty name is no file or folder (an unset variable?)")
    if _WEB_ADDRESS.match(text) and not os.path.lexists(text):  # Path() would make https:/… of it
        raise argparse.ArgumentTypeError(
            f"{text[:80]!r} is a web address, not a file or folder (save a page as .html and give that file)"
        )
    return Path(text)


def _whole(text: str, low: int, high: int, not_one: str, outside: str) -> int:
    """A whole number from low to high; ArgumentTypeError `'text' is not_one` or `'text'outside`."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not {not_one}") from None
    if not low <= value <= high:
        raise argparse.ArgumentTypeError(f"{text[:24]!r}{outside}")
    return value


def workers_arg(text: str) -> int:
    """A number of reader processes: 1 to 4 per CPU core (each may use KB_WORKER_MEMORY_MB)."""
    most = 4 * (os.cpu_count() or 1)
    return _whole(text, 1, most, "a whole number", f": must be 1 to {most} (4 per CPU core)")


def year_arg(text: str) -> int:
    """A year as the query syntax takes it (year:2020): 1 to 9999."""
    return _whole(text, 1, 9999, "a year", " is out of range: a year is 1 to 9999")


def port_arg(text: str) -> int:
    """A TCP port: 1 to 65535."""
    return _whole(text, 1, 65535, "a port number", ": a port is 1 to 65535")


def seconds_arg(text: str) -> float:
    """A time span: a number of seconds above 0 (nan waited for ever, inf is no span)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:24]!r} is not a number of seconds") from None
    if not 0 < value < math.inf:
        raise argparse.ArgumentTypeError(f"{text[:24]!r}: must be a number of seconds more than 0")
    return value


def value_arg(text: str) -> str:
    """A metadata value: an empty one is refused (it would change nothing, or drop a confirmed list)."""
    if not text.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is empty: give a value")
    return text
