"""Files that are not what they claim are refused before any parser sees them: wrong type, zip bombs,
encrypted or broken archives, oversized files; random bytes never crash the reader or write anything."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devzone.core.errors import ValidationFailed
from devzone.enterprises.models import Enterprise
from devzone.intake import services
from devzone.intake.models import ImportBatch
from devzone.intake.reader import OLE_MAGIC, FileRefused, ReadLimits, decode_text, open_sheets, sniff

LIMITS = ReadLimits()
HEADER = [["统一社会信用代码", "企业名称", "所在县区"]]


def refused(data: bytes, name: str, limits: ReadLimits = LIMITS) -> str:
    with pytest.raises(FileRefused) as exc:
        open_sheets(data, name, limits)
    assert "\n" not in exc.value.message
    return exc.value.message


def zip_of(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def xlsx_skeleton(sheet: bytes = b"<worksheet/>") -> dict[str, bytes]:
    return {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>",
            "xl/worksheets/sheet1.xml": sheet}


def test_a_real_workbook_opens(make_xlsx):
    fmt, sheets = open_sheets(make_xlsx(HEADER), "ok.xlsx", LIMITS)
    assert fmt == "xlsx" and sheets[0].full().rows[0][0] == "统一社会信用代码"


@pytest.mark.parametrize(("content", "name", "expected"), [
    (b"%PDF-1.4\n%...", "台账.xlsx", "不是有效的 .xlsx 工作簿"),
    ("统一社会信用代码,企业名称\n".encode(), "台账.xlsx", "不是有效的 .xlsx 工作簿"),
    (b"", "台账.xlsx", "文件是空的"),
    (b"MZ\x90\x00" + b"\x00" * 100, "台账.xls", "不是有效的 .xls 工作簿"),
    (b"anything", "台账.docx", "不支持的文件类型 .docx"),
    (b"anything", "台账", "不支持的文件类型 (无扩展名)"),
    (OLE_MAGIC + b"\x00" * 504, "台账.xlsx", "旧版 .xls"),
])
def test_files_that_are_not_what_they_claim(content, name, expected):
    assert expected in refused(content, name)


def test_docx_renamed_to_xlsx():
    docx = zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
    assert "缺少 xl/workbook.xml" in refused(docx, "伪装.xlsx")


def test_xlsx_renamed_to_xls_or_csv(make_xlsx):
    content = make_xlsx(HEADER)
    assert "扩展名却是 .xls" in refused(content, "台账.xls")
    assert "扩展名却是 .csv" in refused(content, "台账.csv")


def test_zip_bomb_by_ratio_is_refused():
    bomb = zip_of(xlsx_skeleton(b"0" * (40 * 1024 * 1024)))  # 40 MB of one byte: ~1000:1
    assert len(bomb) < 200_000
    message = refused(bomb, "炸弹.xlsx")
    assert "压缩炸弹" in message and "压缩比" in message


def test_zip_bomb_by_total_size_is_refused():
    limits = ReadLimits(max_uncompressed_bytes=2 * 1024 * 1024, max_compression_ratio=10_000)
    content = zip_of(xlsx_skeleton(b"<row/>" * 600_000))
    assert "解压后" in refused(content, "大.xlsx", limits)


def _patch_sizes(data: bytes, member: str, declared: int) -> bytes:
    """Rewrite the uncompressed size a zip declares for `member` (local header and central directory)."""
    data = bytearray(data)
    name = member.encode()
    local = data.find(b"PK\x03\x04")
    while local != -1:
        name_length = struct.unpack_from("<H", data, local + 26)[0]
        if data[local + 30:local + 30 + name_length] == name:
            struct.pack_into("<I", data, local + 22, declared)
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46:central + 46 + name_length] == name:
            struct.pack_into("<I", data, central + 24, declared)
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(data)


def test_a_member_lying_about_its_size_is_refused():
    honest = zip_of(xlsx_skeleton(b"<row/>" * 200_000))  # 1.2 MB, well compressed
    lying = _patch_sizes(honest, "xl/worksheets/sheet1.xml", 1000)
    message = refused(lying, "说谎.xlsx")
    assert "压缩内容损坏或校验失败" in message


def _set_encrypted_flag(data: bytes) -> bytes:
    data = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        position = data.find(signature)
        while position != -1:
            flags = struct.unpack_from("<H", data, position + offset)[0]
            struct.pack_into("<H", data, position + offset, flags | 0x1)
            position = data.find(signature, position + 4)
    return bytes(data)


def test_encrypted_files_are_refused(make_xlsx):
    assert "已加密" in refused(_set_encrypted_flag(make_xlsx(HEADER)), "加密.xlsx")
    # Excel's "encrypt with password" wraps the workbook in an OLE container with an EncryptedPackage stream
    ole = OLE_MAGIC + b"\x00" * 504 + "EncryptionInfo".encode("utf-16-le") + "EncryptedPackage".encode("utf-16-le")
    assert "已加密" in refused(ole, "加密.xlsx")
    assert "已加密" in refused(ole, "加密.xls")


def test_oversized_file_is_refused():
    assert "文件过大" in refused(b"x" * 2048, "大.csv", ReadLimits(max_file_bytes=1024))


def test_too_many_rows_are_refused(make_xlsx):
    content = make_xlsx(HEADER + [[str(i)] for i in range(30)])
    _fmt, sheets = open_sheets(content, "多.xlsx", ReadLimits(max_rows=10))
    with pytest.raises(FileRefused, match="超过上限 10 行"):
        sheets[0].full()


def test_truncated_workbook_is_refused(make_xlsx):
    content = make_xlsx(HEADER)
    assert "压缩结构损坏" in refused(content[: len(content) // 2], "半截.xlsx")


def test_csv_encodings_and_delimiters():
    text = "统一社会信用代码,企业名称\n91,澜江\n"
    for data in (text.encode("utf-8"), text.encode("utf-8-sig"), text.encode("gb18030"), text.encode("utf-16")):
        _fmt, sheets = open_sheets(data, "a.csv", LIMITS)
        assert sheets[0].full().rows[1] == ["91", "澜江"]
    _fmt, sheets = open_sheets(b"a\tb\n1\t2\n", "a.csv", LIMITS)
    assert sheets[0].full().rows[1] == ["1", "2"]
    assert "二进制" in refused(b"a,b\n\x00\x01", "a.csv")
    with pytest.raises(FileRefused):
        decode_text(b"\xff\xfe\x00\xd8")  # UTF-16 BOM followed by a lone surrogate


def test_ods_needs_its_mimetype():
    fake = zip_of({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"},
                  zipfile.ZIP_STORED)
    assert "不是 .ods 电子表格" in refused(fake, "a.ods")


# --- fuzzing --------------------------------------------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=4096), st.sampled_from([".xlsx", ".xls", ".ods", ".csv"]),
       st.sampled_from([b"", b"PK\x03\x04", OLE_MAGIC, b"PK\x03\x04\x14\x00\x00\x00\x08\x00"]))
def test_random_bytes_never_crash_the_reader(data, suffix, prefix):
    try:
        _fmt, sheets = open_sheets(prefix + data, "f" + suffix, LIMITS)
        for sheet in sheets:
            sheet.full()
    except ValidationFailed as exc:
        assert exc.message and "\n" not in exc.message


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(min_size=1, max_size=2048), st.sampled_from(["a.xlsx", "a.xls", "a.ods", "a.csv"]))
def test_random_uploads_write_nothing(org, data, name):
    before = Enterprise.objects.count()
    try:
        services.batch_create(actor=org.county1_user, kind="enterprises", data=data, filename=name)
    except ValidationFailed as exc:
        assert "\n" not in exc.message
    assert Enterprise.objects.count() == before
    # a preview may be stored only for a readable sheet with a header, which random bytes never are
    assert not ImportBatch.objects.exists()


def test_sniff_accepts_what_it_should(make_xlsx):
    assert sniff(make_xlsx(HEADER), "A.XLSX", LIMITS) == "xlsx"
    assert sniff("a,b\n".encode("gb18030"), "a.CSV", LIMITS) == "csv"
