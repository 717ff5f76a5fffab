"""A corpus of real documents from ../shared/data written as files (Markdown + sidecars) into a folder.

LibreOffice help pages in four languages (a network without minutes) and Nordstemmen council agenda
items (minutes of several committees with dates and localities). Nothing is copied into the repository:
the files go to a tmp folder and are ingested with the project's own pipeline.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
LIBREOFFICE = DATA / "libreoffice-help"
NORDSTEMMEN = DATA / "nordstemmen" / "agenda_items_flat.jsonl"
HELP_NETWORK = "LibreOffice-Hilfe"


def available() -> bool:
    return all((LIBREOFFICE / f"{lang}.jsonl").is_file() for lang in ("da", "de", "nl", "en")) and (
        NORDSTEMMEN.is_file()
    )


def _records(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def _picked(key: str, every: int) -> bool:
    """A stable sample: about one in `every` keys, the same on every run."""
    return zlib.crc32(key.encode()) % every == 0


def _write(folder: Path, name: str, text: str, meta: dict) -> None:
    (folder / name).write_text(text, encoding="utf-8")
    (folder / f"{name}.meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")


def write_libreoffice(folder: Path, pages: int) -> int:
    """`pages` help pages (the same pages in da, de, nl, en); returns the number of files written."""
    ids: list[str] = []
    for record in _records(LIBREOFFICE / "de.jsonl"):
        if record["title"] and len(record["text"]) > 200 and _picked(record["id"], 4):
            ids.append(record["id"])
        if len(ids) == pages:
            break
    wanted, written = set(ids), 0
    for lang in ("da", "de", "nl", "en"):
        for record in _records(LIBREOFFICE / f"{lang}.jsonl"):
            if record["id"] in wanted and record["title"]:
                slug = f"lo_{zlib.crc32(record['id'].encode()):08x}_{lang}.md"
                meta = {
                    "title": record["title"],
                    "language": lang,
                    "doctype": "other",
                    "networks": [HELP_NETWORK],
                }
                _write(folder, slug, f"# {record['title']}\n\n{record['text']}\n", meta)
                written += 1
    return written


def write_nordstemmen(folder: Path, items: int) -> int:
    """`items` agenda items as Markdown minutes (committee = network, locality = region)."""
    written = 0
    for record in _records(NORDSTEMMEN):
        name = (record.get("name") or "").strip()
        if len(name) < 30 or not record.get("start") or not _picked(record["id"], 3):
            continue
        heading, _, rest = name.partition("\n")
        title = f"{record.get('number') or ''} {heading}".strip()[:120]
        text = (
            f"## {record.get('number') or ''}. {heading}\n\n"
            f"**Sitzung:** {record.get('meeting_name', '')}\n"
            f"**Ort:** {record.get('locality') or 'Nordstemmen'}\n\n{rest.strip()}\n"
        )
        meta = {
            "title": title,
            "language": "de",
            "date": record["start"][:10],
            "doctype": "minutes",
            "networks": [record.get("committee") or "Rat"],
            "regions": [record.get("locality") or "Nordstemmen"],
        }
        _write(folder, f"ns_{zlib.crc32(record['id'].encode()):08x}.md", text, meta)
        written += 1
        if written == items:
            break
    return written
