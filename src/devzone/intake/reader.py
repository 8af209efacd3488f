"""Opening an uploaded file safely: check that it is what its name claims, refuse zip bombs, encrypted
and oversized files, then read sheets with python-calamine (.xlsx, .xls, .ods) or the csv module.

Pure Python (no Django). Every refusal is a `FileRefused` (a `ValidationFailed`) with a message users can
read; no input, however malformed, escapes as another exception.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePath

from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from devzone.core.errors import ValidationFailed

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
FORMATS = {".xlsx": "xlsx", ".xls": "xls", ".ods": "ods", ".csv": "csv"}
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
MB = 1024 * 1024


class FileRefused(ValidationFailed):
    """The file is not what it claims to be, or is unsafe or too large to read."""

    code = "file_refused"


@dataclass(frozen=True)
class ReadLimits:
    """Limits on what is read; settings.INTAKE_LIMITS (a dict with these keys) overrides the defaults."""

    max_file_bytes: int = 50 * MB
    max_uncompressed_bytes: int = 1024 * MB
    max_compression_ratio: int = 100
    max_zip_members: int = 5000
    max_rows: int = 300_000
    max_columns: int = 500
    max_sheets: int = 50


@dataclass
class Sheet:
    """One worksheet as values: rows[i][j] is the cell at Excel row i + 1, column j (A = 0)."""

    name: str
    rows: list[list]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # first row, col, last row, col


class SourceSheet:
    """A sheet that can show its first rows cheaply and then load in full."""

    def __init__(self, name: str, head_fn, full_fn) -> None:
        self.name = name
        self._head, self._full = head_fn, full_fn

    def head(self, nrows: int) -> Sheet:
        return self._head(nrows)

    def full(self) -> Sheet:
        return self._full()


def refuse(message: str) -> FileRefused:
    return FileRefused(message, details=[{"field": "file", "message": message}])


def human_size(size: int) -> str:
    return f"{size / MB:.1f} MB" if size >= MB else f"{max(size, 1) // 1024 or 1} KB"


# --- sniffing -------------------------------------------------------------------------------------------

def file_format(filename: str) -> str:
    suffix = PurePath(filename or "").suffix.lower()
    if suffix not in FORMATS:
        shown = suffix or "(无扩展名)"
        raise refuse(f"不支持的文件类型 {shown}:请上传 .xlsx、.xls、.ods 或 .csv 文件")
    return FORMATS[suffix]


def check_size(size: int, limits: ReadLimits) -> None:
    if size == 0:
        raise refuse("文件是空的")
    if size > limits.max_file_bytes:
        raise refuse(f"文件过大({human_size(size)}),上限为 {human_size(limits.max_file_bytes)}")


def sniff(data: bytes, filename: str, limits: ReadLimits) -> str:
    """The format, once the content is known to match the extension; FileRefused otherwise."""
    fmt = file_format(filename)
    check_size(len(data), limits)
    is_zip, is_ole = data.startswith(ZIP_MAGIC), data.startswith(OLE_MAGIC)
    if is_ole and _encrypted_ooxml(data):
        raise refuse("文件已加密(设置了打开密码),请在 Excel 中取消密码后再导入")
    if fmt == "xlsx":
        if is_ole:
            raise refuse("文件内容是旧版 .xls 工作簿,扩展名却是 .xlsx:请在 Excel 中另存为 .xlsx 后再导入")
        if not is_zip:
            raise refuse("文件不是有效的 .xlsx 工作簿(内容与扩展名不符,可能是改了扩展名的其他文件)")
        check_zip(data, limits=limits, label=".xlsx 工作簿", required=("[Content_Types].xml", "xl/workbook.xml"))
    elif fmt == "xls":
        if is_zip:
            raise refuse("文件内容是 .xlsx 工作簿,扩展名却是 .xls:请把扩展名改为 .xlsx 后再导入")
        if not is_ole:
            raise refuse("文件不是有效的 .xls 工作簿(内容与扩展名不符)")
    elif fmt == "ods":
        if not is_zip:
            raise refuse("文件不是有效的 .ods 表格(内容与扩展名不符)")
        check_zip(data, limits=limits, label=".ods 表格", required=("mimetype", "content.xml"))
        _check_ods_mimetype(data)
    elif is_zip or is_ole:
        raise refuse("文件内容是 Excel 工作簿,扩展名却是 .csv:请使用正确的扩展名")
    return fmt


def _encrypted_ooxml(data: bytes) -> bool:
    """An encrypted .xlsx is an OLE container holding EncryptionInfo and EncryptedPackage streams."""
    return "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data


def check_zip(data: bytes, *, limits: ReadLimits, label: str, required: tuple[str, ...]) -> None:
    """Refuse broken, encrypted or bomb-like archives before any library decompresses them.

    Declared sizes are checked first (total, total ratio, per-member ratio); then every member is read
    through zipfile, which stops at the declared size and checks the CRC, so a member that lies about its
    size is refused too.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except Exception as exc:  # zipfile raises many types on malformed input
        raise refuse(f"文件不是有效的 {label}(压缩结构损坏)") from exc
    if len(infos) > limits.max_zip_members:
        raise refuse(f"文件不是有效的 {label}(压缩包内文件过多:{len(infos)} 个)")
    if any(info.flag_bits & 0x1 for info in infos):
        raise refuse("文件已加密(设置了密码),请取消密码后再导入")
    names = {info.filename for info in infos}
    missing = [name for name in required if name not in names]
    if missing:
        raise refuse(f"文件不是有效的 {label}(缺少 {'、'.join(missing)},可能是改了扩展名的其他压缩文件)")
    _check_declared_sizes(infos, limits)
    _check_actual_sizes(archive, infos, limits, label)


def _bomb(detail: str) -> FileRefused:
    return refuse(f"文件疑似压缩炸弹,已拒绝:{detail}")


def _check_declared_sizes(infos: list[zipfile.ZipInfo], limits: ReadLimits) -> None:
    total = sum(info.file_size for info in infos)
    packed = sum(info.compress_size for info in infos)
    if total > limits.max_uncompressed_bytes:
        raise _bomb(f"解压后 {human_size(total)},超过上限 {human_size(limits.max_uncompressed_bytes)}")
    if total > MB and total > packed * limits.max_compression_ratio:
        raise _bomb(f"压缩比 {total // max(packed, 1)}:1,超过上限 {limits.max_compression_ratio}:1")
    for info in infos:
        if info.file_size > MB and info.file_size > max(info.compress_size, 1) * limits.max_compression_ratio:
            ratio = info.file_size // max(info.compress_size, 1)
            raise _bomb(f"{info.filename} 的压缩比 {ratio}:1,超过上限 {limits.max_compression_ratio}:1")


def _check_actual_sizes(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], limits: ReadLimits,
                        label: str) -> None:
    total = 0
    try:
        for info in infos:
            with archive.open(info) as member:
                while chunk := member.read(MB):
                    total += len(chunk)
                    if total > limits.max_uncompressed_bytes:
                        raise _bomb(f"解压后超过上限 {human_size(limits.max_uncompressed_bytes)}")
    except FileRefused:
        raise
    except Exception as exc:
        raise refuse(f"文件不是有效的 {label}(压缩内容损坏或校验失败)") from exc


def _check_ods_mimetype(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            mimetype = archive.read("mimetype").strip()
    except Exception as exc:
        raise refuse("文件不是有效的 .ods 表格") from exc
    if mimetype != ODS_MIMETYPE:
        raise refuse("文件不是 .ods 电子表格(可能是改了扩展名的其他 OpenDocument 文件)")


# --- reading --------------------------------------------------------------------------------------------

def open_sheets(data: bytes, filename: str, limits: ReadLimits) -> tuple[str, list[SourceSheet]]:
    """(format, visible worksheets) of a file that passed `sniff`."""
    fmt = sniff(data, filename, limits)
    if fmt == "csv":
        rows = read_csv_rows(data, limits)
        name = PurePath(filename).stem or "CSV"
        sheet = Sheet(name=name, rows=rows)
        return fmt, [SourceSheet(name, lambda n: Sheet(name, rows[:n]), lambda: sheet)]
    return fmt, _calamine_sheets(data, limits)


def _calamine_sheets(data: bytes, limits: ReadLimits) -> list[SourceSheet]:
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        metadata = list(book.sheets_metadata)
    except BaseException as exc:
        raise _unreadable(exc) from exc
    visible = [(index, meta.name) for index, meta in enumerate(metadata)
               if meta.typ == SheetTypeEnum.WorkSheet and meta.visible == SheetVisibleEnum.Visible]
    if not visible:
        raise refuse("工作簿中没有可见的工作表")
    return [_calamine_sheet(book, index, name, limits) for index, name in visible[:limits.max_sheets]]


def _calamine_sheet(book: CalamineWorkbook, index: int, name: str, limits: ReadLimits) -> SourceSheet:
    cache: dict[str, object] = {}

    def handle():
        if "sheet" not in cache:
            try:
                sheet = book.get_sheet_by_index(index)
                end = sheet.end
            except BaseException as exc:
                raise _unreadable(exc) from exc
            if end is not None and end[0] + 1 > limits.max_rows:
                raise refuse(f"工作表「{name}」有 {end[0] + 1} 行,超过上限 {limits.max_rows} 行,请拆分后导入")
            if end is not None and end[1] + 1 > limits.max_columns:
                raise refuse(f"工作表「{name}」有 {end[1] + 1} 列,超过上限 {limits.max_columns} 列")
            cache["sheet"] = sheet
        return cache["sheet"]

    def load(nrows: int | None) -> Sheet:
        sheet = handle()
        try:
            rows = sheet.to_python(skip_empty_area=False, nrows=nrows) if sheet.end is not None else []
            merged = sheet.merged_cell_ranges or []
        except BaseException as exc:
            raise _unreadable(exc) from exc
        rows = _without_nul(rows)
        return Sheet(name=name, rows=rows, merged=[(a[0], a[1], b[0], b[1]) for a, b in merged])

    return SourceSheet(name, lambda n: load(n), lambda: load(None))


def _without_nul(rows: list[list]) -> list[list]:
    """Drop NUL characters from cell text: PostgreSQL stores no NUL in text or JSON, so a workbook carrying one
    (found by tests/intake/test_fuzz_import.py) made the preview fail with a database error."""
    return [[v.replace("\x00", "") if v.__class__ is str and "\x00" in v else v for v in row] for row in rows]


def _unreadable(exc: BaseException) -> FileRefused:
    if isinstance(exc, KeyboardInterrupt | SystemExit):
        raise exc
    if type(exc).__name__ == "PasswordError":
        return refuse("文件已加密(设置了密码),请取消密码后再导入")
    return refuse("文件已损坏或不是有效的电子表格,无法读取")


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030 (which covers GBK and GB2312)."""
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise refuse("CSV 文件编码无法识别(应为 UTF-8 或 GB18030)") from exc
    if b"\x00" in data:
        raise refuse("文件不是文本格式的 CSV(含有二进制内容)")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise refuse("CSV 文件编码无法识别(应为 UTF-8 或 GB18030)")


def _delimiter(text: str) -> str:
    sample = text[:20_000].splitlines()[:50]
    counts = {d: sum(line.count(d) for line in sample) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv_rows(data: bytes, limits: ReadLimits) -> list[list]:
    text = decode_text(data)
    rows: list[list] = []
    try:
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)):
            rows.append(record)
            if len(rows) > limits.max_rows:
                raise refuse(f"CSV 文件超过 {limits.max_rows} 行,请拆分后导入")
            if len(record) > limits.max_columns:
                raise refuse(f"CSV 文件第 {len(rows)} 行有 {len(record)} 列,超过上限 {limits.max_columns} 列")
    except csv.Error as exc:
        raise refuse(f"CSV 文件第 {len(rows) + 1} 行格式错误,无法读取") from exc
    return rows


def iter_cells(sheet: Sheet) -> Iterator[tuple[int, int, object]]:
    for r, row in enumerate(sheet.rows):
        for c, value in enumerate(row):
            if value not in ("", None):
                yield r, c, value
