"""The three formats read back with reader libraries (python-docx, pypdf, python-calamine) and checked against
the bulletin's data: sections, tables with 序号, numbers, the red header, embedded CJK fonts, the ledgers."""

from __future__ import annotations

import io
import re

import pytest
from docx import Document
from pypdf import PdfReader
from python_calamine import CalamineWorkbook

from devzone.reports import services
from devzone.reports.content import build_bulletin
from devzone.reports.periods import parse_period

OCTOBER = parse_period("2026-10")


@pytest.fixture
def rendered(org, month):
    return {fmt: services.bulletin_render(user=org.city_user, kind="monthly", period="2026-10", fmt=fmt)
            for fmt in ("docx", "pdf", "xlsx")}


def _docx_tables(document) -> dict[str, list[list[str]]]:
    """Tables keyed by the caption paragraph just before each (python-docx keeps body order in element order)."""
    tables, caption = {}, ""
    body = document.element.body
    by_element = {t._tbl: t for t in document.tables}
    for child in body.iterchildren():
        if child.tag.endswith("}p"):
            text = "".join(node.text or "" for node in child.iter() if node.tag.endswith("}t"))
            if text:
                caption = text
        elif child in by_element:
            tables[caption] = [[cell.text for cell in row.cells] for row in by_element[child].rows]
    return tables


def test_docx_reads_back_as_a_government_document(org, month, rendered):
    result = rendered["docx"]
    assert result.file_name == "云澜市2026年10月月通报.docx"
    document = Document(io.BytesIO(result.content))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "云澜市重点项目建设工作领导小组办公室"
    header = document.paragraphs[0].runs[0]
    assert header.font.color.rgb == (0xC0, 0x00, 0x00) and header.font.bold
    assert "〔2026〕" in texts[1] and 'w:color="C00000"' in document.paragraphs[1]._p.xml  # the red rule
    assert texts[3] == "关于2026年10月重点项目建设和招商引资工作情况的通报"
    headings = [t for t in texts if re.match(r"^[一二三四五六]、", t)]
    assert headings == ["一、总体情况", "二、县(市、区)考核排名", "三、重点项目预警", "四、问题督办情况",
                        "五、新签约亿元以上项目", "六、观摩评比和营商环境评议"]
    body = next(p for p in document.paragraphs if p.text.startswith("截至"))
    fonts = body.runs[0]._element.rPr.rFonts
    assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "仿宋"
    tables = _docx_tables(document)
    signed = tables["新签约亿元以上项目"]
    assert signed[0][:2] == ["序号", "项目名称"]
    assert [row[:2] for row in signed[1:3]] == [["1", "新签项目N1"], ["2", "新签项目N2"]]
    assert signed[1][5] == "30,000.00" and signed[-1][5] == "42,000.00"  # the 合计 row
    red = tables["时序进度红灯项目"]
    assert red[1][1] == "红灯项目R" and red[1][7] == "75.0"
    assert tables["县区招商引资和项目建设考核(2026Q3)排名"][2][1:4] == ["2", "北湖区", "60.00"]
    assert len(document.inline_shapes) == 3  # two overview charts and the ranking chart
    assert "2026年11月1日" in texts[-1]


def test_pdf_text_extracts_as_chinese_with_embedded_fonts(rendered):
    reader = PdfReader(io.BytesIO(rendered["pdf"].content))
    text = "\n".join(page.extract_text() for page in reader.pages).replace(" ", "")  # Typst spaces CJK–Latin
    for expected in ("云澜市重点项目建设工作领导小组办公室", "一、总体情况", "四、问题督办情况", "新签项目N1",
                     "30,000.00", "厂房用地报批受阻", "流动黑旗", "签而未落项目S"):
        assert expected in text, expected
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), "font not embedded"
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert any("CJK" in name for name in fonts), fonts


def test_xlsx_appendix_sheets_and_ledgers(org, month, rendered):
    book = CalamineWorkbook.from_filelike(io.BytesIO(rendered["xlsx"].content))
    assert book.sheet_names == ["主要指标", "县区指标", "县区排名", "红灯项目", "签而未落", "超期问题", "亿元以上签约",
                                "窗口评议", "项目台账", "问题台账"]
    signed = book.get_sheet_by_name("亿元以上签约").to_python()
    assert signed[0][0] == "2026年10月新签约亿元以上项目" and signed[1][0] == "单位:万元"
    assert signed[2][:2] == ["序号", "项目名称"]
    assert [(r[0], r[1], r[5]) for r in signed[3:5]] == [(1, "新签项目N1", 30000.0), (2, "新签项目N2", 12000.0)]
    assert signed[5][5] == 42000.0
    problems = book.get_sheet_by_name("超期问题").to_python()
    assert problems[4][1] == "'=HYPERLINK(\"x\") 电力增容"  # formula-like text is escaped
    ledger = book.get_sheet_by_name("项目台账").to_python()
    assert ledger[0][0] == "重点项目建设台账(2026年1-10月)" and ledger[1][0] == "单位:万元"
    assert ledger[2][:2] == ["序号", "项目名称"] and ledger[2][6] == "投资情况(万元)"
    assert ledger[3][6:11] == ["总投资", "截至上年底累计完成投资", "年度计划投资", "1-10月完成投资", "占年度计划%"]
    assert ledger[4][1] == "合计(5个)" and ledger[4][6] == 168000.0 and ledger[4][9] == 100.0
    assert ledger[5][1] == "一、产业项目(5个)"
    assert [row[0] for row in ledger[6:11]] == [1, 2, 3, 4, 5]


def test_same_data_same_documents(org, month, rendered):
    bulletin = build_bulletin(user=org.city_user, period=OCTOBER, with_appendix=True)
    from devzone.reports.services import write

    assert write(bulletin, "xlsx") == rendered["xlsx"].content
    assert write(bulletin, "pdf") == rendered["pdf"].content
    again = Document(io.BytesIO(write(bulletin, "docx")))
    first = Document(io.BytesIO(rendered["docx"].content))
    assert [p.text for p in again.paragraphs] == [p.text for p in first.paragraphs]
