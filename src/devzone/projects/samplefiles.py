"""Small, deterministic evidence files for the demo and the tests: a baseline JPEG built of flat-coloured 8×8
blocks (optionally with an EXIF DateTimeOriginal) and a one-page PDF. Pure Python, no imaging library."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache

RGB = tuple[int, int, int]

# Huffman tables: the standard luminance DC table (ITU T.81 Annex K) and an AC table holding only end-of-block,
# which is all that blocks of one flat colour need.
DC_BITS = (0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0)
DC_VALUES = tuple(range(12))
AC_BITS = (1,) + (0,) * 15
AC_VALUES = (0x00,)


def _codes(bits: Sequence[int], values: Sequence[int]) -> dict[int, tuple[int, int]]:
    codes, code, k = {}, 0, 0
    for length, count in enumerate(bits, start=1):
        for _ in range(count):
            codes[values[k]] = (code, length)
            code, k = code + 1, k + 1
        code <<= 1
    return codes


DC_CODES, AC_CODES = _codes(DC_BITS, DC_VALUES), _codes(AC_BITS, AC_VALUES)


class _BitWriter:
    def __init__(self) -> None:
        self.out = bytearray()
        self.acc = 0
        self.count = 0

    def write(self, value: int, length: int) -> None:
        self.acc = (self.acc << length) | (value & ((1 << length) - 1))
        self.count += length
        while self.count >= 8:
            self.count -= 8
            byte = (self.acc >> self.count) & 0xFF
            self.out.append(byte)
            if byte == 0xFF:
                self.out.append(0x00)  # byte stuffing
        self.acc &= (1 << self.count) - 1

    def flush(self) -> bytes:
        if self.count:
            self.write((1 << (8 - self.count)) - 1, 8 - self.count)  # pad with ones
        return bytes(self.out)


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + (len(payload) + 2).to_bytes(2, "big") + payload


def _ycbcr(rgb: RGB) -> tuple[float, float, float]:
    r, g, b = rgb
    return (0.299 * r + 0.587 * g + 0.114 * b,
            128 - 0.168736 * r - 0.331264 * g + 0.5 * b,
            128 + 0.5 * r - 0.418688 * g - 0.081312 * b)


def exif_segment(taken_at: datetime, *, byte_order: str = "big") -> bytes:
    """An APP1 EXIF segment holding only DateTimeOriginal (IFD0 → Exif IFD → tag 0x9003)."""
    order = "big" if byte_order == "big" else "little"

    def u16(v: int) -> bytes:
        return v.to_bytes(2, order)

    def u32(v: int) -> bytes:
        return v.to_bytes(4, order)

    stamp = taken_at.strftime("%Y:%m:%d %H:%M:%S").encode("ascii") + b"\x00"
    exif_ifd_at, data_at = 26, 44
    tiff = (b"MM" if order == "big" else b"II") + u16(42) + u32(8)
    tiff += u16(1) + u16(0x8769) + u16(4) + u32(1) + u32(exif_ifd_at) + u32(0)
    tiff += u16(1) + u16(0x9003) + u16(2) + u32(len(stamp)) + u32(data_at) + u32(0)
    tiff += stamp
    return _segment(0xE1, b"Exif\x00\x00" + tiff)


def make_jpeg(blocks: Sequence[Sequence[RGB]], *, taken_at: datetime | None = None,
              byte_order: str = "big") -> bytes:
    """A baseline JPEG whose every 8×8 block is one colour; `blocks` is rows of RGB colours."""
    height, width = len(blocks) * 8, len(blocks[0]) * 8
    out = bytearray(b"\xff\xd8")
    if taken_at is not None:
        out += exif_segment(taken_at, byte_order=byte_order)
    out += _segment(0xDB, b"\x00" + b"\x01" * 64)  # quantisation table 0: all ones
    out += _segment(0xC0, b"\x08" + height.to_bytes(2, "big") + width.to_bytes(2, "big") + b"\x03"
                    + b"\x01\x11\x00\x02\x11\x00\x03\x11\x00")
    out += _segment(0xC4, b"\x00" + bytes(DC_BITS) + bytes(DC_VALUES) + b"\x10" + bytes(AC_BITS) + bytes(AC_VALUES))
    out += _segment(0xDA, b"\x03\x01\x00\x02\x00\x03\x00\x00\x3f\x00")
    bits = _BitWriter()
    previous = [0, 0, 0]
    eob_code, eob_length = AC_CODES[0x00]
    for row in blocks:
        for rgb in row:
            for component, value in enumerate(_ycbcr(rgb)):
                dc = max(-1024, min(1016, round(8 * (value - 128))))
                diff, previous[component] = dc - previous[component], dc
                category = abs(diff).bit_length()
                code, length = DC_CODES[category]
                bits.write(code, length)
                if category:
                    bits.write(diff if diff >= 0 else diff + (1 << category) - 1, category)
                bits.write(eob_code, eob_length)
    out += bits.flush() + b"\xff\xd9"
    return bytes(out)


def site_photo(seed: int, *, taken_at: datetime | None, columns: int = 8, rows: int = 6) -> bytes:
    """A small picture of a building site (sky, a crane-coloured building of varying height, ground), with
    `taken_at` as its EXIF DateTimeOriginal. The picture repeats every 64 seeds; only the EXIF date differs."""
    body = _site_picture(seed % 64, columns, rows)
    if taken_at is None:
        return body
    return body[:2] + exif_segment(taken_at) + body[2:]


@lru_cache(maxsize=64)
def _site_picture(seed: int, columns: int, rows: int) -> bytes:
    sky = (120 + seed % 60, 170 + seed % 40, 225)
    ground = (150 + seed % 30, 120 + seed % 20, 80)
    building = (200 + seed % 50, 160, 40 + seed % 60)
    height = 1 + seed % (rows - 2)
    grid = []
    for r in range(rows):
        line = []
        for c in range(columns):
            if r == rows - 1:
                line.append(ground)
            elif 2 <= c <= columns - 3 and r >= rows - 1 - height:
                line.append(building)
            else:
                line.append(sky)
        grid.append(line)
    return make_jpeg(grid)


def _pdf_text(text: str) -> str:
    return "<" + text.encode("utf-16-be").hex().upper() + ">"


def make_pdf(lines: Sequence[str], *, title: str = "") -> bytes:
    """A one-page A4 PDF of text lines, in the reader's built-in Chinese font (STSong-Light, not embedded)."""
    content_lines = ["BT", "/F1 16 Tf", "60 780 Td"]
    for index, line in enumerate(lines):
        if index == 1:
            content_lines.append("/F1 11 Tf")
        content_lines.append(f"{_pdf_text(line)} Tj")
        content_lines.append("0 -24 Td")
    content_lines.append("ET")
    content = "\n".join(content_lines).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
        b"/DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) "
        b"/Ordering (GB1) /Supplement 2 >> /FontDescriptor 7 0 R /DW 1000 >>",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] "
        b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
        b"<< /Title " + _pdf_text(title).encode("ascii") + b" /Producer (devzone) >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref_at = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {len(objects)} 0 R >>\n"
            f"startxref\n{xref_at}\n%%EOF\n").encode()
    return bytes(out)
