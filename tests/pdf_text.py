"""Reading back what a PDF copy says, for the tests: a small reader for the PDFs fpdf2
writes (classic xref table, page streams Flate-compressed or not, core fonts in
WinAnsiEncoding), not a general PDF parser."""

from __future__ import annotations

import re
import zlib

_OBJECT = re.compile(rb"(\d+) 0 obj")
_STREAM = re.compile(rb"<<(.*?)>>\s*stream\r?\n(.*?)\r?\nendstream", re.S)
_SHOW = re.compile(rb"\(((?:\\.|[^\\)])*)\)\s*Tj")
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f",
            b"(": b"(", b")": b")", b"\\": b"\\"}


def check_structure(data: bytes) -> int:
    """Assert `data` is a whole PDF whose xref table points at its objects; the page count."""
    assert data.startswith(b"%PDF-1.") and data.rstrip().endswith(b"%%EOF")
    start = int(data[data.rindex(b"startxref") + 9:].split()[0])
    assert data[start:start + 4] == b"xref"
    header = data[start:].split(b"\n")
    first, count = (int(v) for v in header[1].split())
    entries = header[2:2 + count]
    for number, entry in enumerate(entries, start=first):
        offset, _, kind = entry.split()[:3]
        if kind == b"n":
            found = _OBJECT.match(data, int(offset))
            assert found and int(found.group(1)) == number, f"object {number} misplaced"
    trailer = data[start:]
    assert b"/Root" in trailer and b"/Size" in trailer
    root = re.search(rb"/Root (\d+) 0 R", trailer)
    assert root is not None
    catalog = _object(data, int(root.group(1)))
    assert b"/Type /Catalog" in catalog
    pages = re.search(rb"/Pages (\d+) 0 R", catalog)
    assert pages is not None
    tree = _object(data, int(pages.group(1)))
    count = re.search(rb"/Count (\d+)", tree)
    assert b"/Type /Pages" in tree and count is not None
    return int(count.group(1))


def _object(data: bytes, number: int) -> bytes:
    found = re.search(rb"(?:^|\n)%d 0 obj(.*?)endobj" % number, data, re.S)
    assert found is not None, f"no object {number}"
    return found.group(1)


def _unescape(raw: bytes) -> bytes:
    out, i = bytearray(), 0
    while i < len(raw):
        if raw[i:i + 1] == b"\\":
            nxt = raw[i + 1:i + 2]
            octal = re.match(rb"[0-7]{1,3}", raw[i + 1:i + 4])
            if octal:
                out.append(int(octal.group(0), 8))
                i += 1 + len(octal.group(0))
                continue
            out += _ESCAPES.get(nxt, nxt)
            i += 2
            continue
        out += raw[i:i + 1]
        i += 1
    return bytes(out)


def text_lines(data: bytes) -> list[str]:
    """Every string the pages show, in drawing order (one per `Tj`)."""
    lines: list[str] = []
    for head, body in _STREAM.findall(data):
        if b"/FlateDecode" in head:
            body = zlib.decompress(body)
        for raw in _SHOW.findall(body):
            lines.append(_unescape(raw).decode("cp1252"))
    return lines


def text(data: bytes) -> str:
    """All the text, lines joined by spaces (a sentence wrapped over lines reads whole)."""
    return " ".join(text_lines(data))
