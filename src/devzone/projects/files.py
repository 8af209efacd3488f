"""Checking uploaded evidence by its content, and reading a photo's EXIF date, in pure Python (no Pillow).

A file is accepted when its first bytes are a JPEG, PNG or PDF signature, whatever its name says. A JPEG's
date is its EXIF DateTimeOriginal (or DateTimeDigitized), read from the APP1 segment's TIFF structure with
every offset bounds-checked: a malformed header yields no date, never an exception.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

JPEG, PNG, PDF = "image/jpeg", "image/png", "application/pdf"
SIGNATURES = ((b"\xff\xd8\xff", JPEG, "jpg"), (b"\x89PNG\r\n\x1a\n", PNG, "png"), (b"%PDF-", PDF, "pdf"))
TAG_EXIF_IFD, TAG_DATETIME_ORIGINAL, TAG_DATETIME_DIGITIZED = 0x8769, 0x9003, 0x9004
MAX_IFD_ENTRIES = 512


@dataclass(frozen=True)
class Sniffed:
    content_type: str
    extension: str

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


def sniff(head: bytes) -> Sniffed | None:
    """The type the content really is (JPEG, PNG or PDF), or None."""
    for signature, content_type, extension in SIGNATURES:
        if head.startswith(signature):
            return Sniffed(content_type, extension)
    return None


class _Malformed(Exception):
    pass


class _Tiff:
    def __init__(self, data: bytes) -> None:
        if data[:2] == b"II":
            self.order = "little"
        elif data[:2] == b"MM":
            self.order = "big"
        else:
            raise _Malformed
        self.data = data
        if self.u16(2) != 42:
            raise _Malformed

    def _int(self, offset: int, size: int) -> int:
        if offset < 0 or offset + size > len(self.data):
            raise _Malformed
        return int.from_bytes(self.data[offset:offset + size], self.order)

    def u16(self, offset: int) -> int:
        return self._int(offset, 2)

    def u32(self, offset: int) -> int:
        return self._int(offset, 4)

    def entries(self, offset: int) -> dict[int, tuple[int, int, int]]:
        """tag -> (type, count, offset of the value field) for the IFD at `offset`."""
        count = self.u16(offset)
        if count > MAX_IFD_ENTRIES:
            raise _Malformed
        found = {}
        for index in range(count):
            at = offset + 2 + 12 * index
            found[self.u16(at)] = (self.u16(at + 2), self.u32(at + 4), at + 8)
        return found

    def ascii(self, entry: tuple[int, int, int]) -> str:
        kind, count, value_at = entry
        if kind != 2 or count == 0 or count > 64:
            raise _Malformed
        start = value_at if count <= 4 else self.u32(value_at)
        if start + count > len(self.data):
            raise _Malformed
        return self.data[start:start + count].split(b"\x00", 1)[0].decode("ascii", "replace")


def _parse_exif_datetime(text: str) -> datetime | None:
    try:
        return datetime.strptime(text.strip()[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None


def _tiff_datetime(tiff_bytes: bytes) -> datetime | None:
    try:
        tiff = _Tiff(tiff_bytes)
        ifd0 = tiff.entries(tiff.u32(4))
        if TAG_EXIF_IFD not in ifd0:
            return None
        kind, _count, value_at = ifd0[TAG_EXIF_IFD]
        if kind not in (3, 4):
            return None
        exif = tiff.entries(tiff.u32(value_at) if kind == 4 else tiff.u16(value_at))
        for tag in (TAG_DATETIME_ORIGINAL, TAG_DATETIME_DIGITIZED):
            if tag in exif:
                found = _parse_exif_datetime(tiff.ascii(exif[tag]))
                if found:
                    return found
    except _Malformed:
        return None
    return None


def exif_datetime_original(data: bytes) -> datetime | None:
    """DateTimeOriginal (else DateTimeDigitized) of a JPEG's EXIF, as a naive local datetime, or None."""
    if not data.startswith(b"\xff\xd8"):
        return None
    pos, end = 2, len(data)
    while pos + 4 <= end:
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0x01 or 0xD0 <= marker <= 0xD8:  # markers without a length
            pos += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image, start of scan: metadata comes before these
            return None
        length = int.from_bytes(data[pos + 2:pos + 4], "big")
        if length < 2 or pos + 2 + length > end:
            return None
        segment = data[pos + 4:pos + 2 + length]
        if marker == 0xE1 and segment.startswith(b"Exif\x00\x00"):
            found = _tiff_datetime(segment[6:])
            if found:
                return found
        pos += 2 + length
    return None
