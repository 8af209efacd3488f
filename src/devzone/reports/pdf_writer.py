"""The bulletin as PDF, typeset by Typst (the `typst` package: a self-contained compiler) with the CJK fonts the
project's setup installs (Debian's fonts-noto-cjk); the fonts are embedded, so the PDF's text extracts as Chinese.
The layout follows the Word version: red header and rule, 文号, title, numbered sections, tables with 序号,
charts. The Typst source is generated from the bulletin's data with every text as an escaped string literal, so
nothing in the data is read as markup."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path

import typst

from devzone.core.errors import ValidationFailed
from devzone.reports.charts import chart_png, font_dirs
from devzone.reports.content import Bulletin, Section, Table, cn_date, display

SERIF = '("FangSong", "Noto Serif CJK SC", "Noto Sans CJK SC")'
SANS = '("SimHei", "Noto Sans CJK SC", "Noto Serif CJK SC")'
RED = 'rgb("#c00000")'


def lit(text: str) -> str:
    """A Typst string literal for `text`."""
    escaped = (str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "")
               .replace("\t", " "))
    return '"' + "".join(ch for ch in escaped if ch >= " ") + '"'


def _table(table: Table) -> str:
    lines = [f"#align(center, text(font: {SANS}, size: 12pt, {lit(table.title)}))"]
    if not table.rows:
        return "\n".join([*lines, f"#h(2em)#{lit(table.empty)}", ""])
    header = ", ".join(lit(label) for label in ["序号", *(c.label for c in table.columns)])
    aligns = ", ".join(["center", *("left" if c.kind == "text" else "right" for c in table.columns)])
    cells = []
    for number, row in enumerate(table.rows, start=1):
        cells.append(", ".join([lit(str(number)), *(lit(display(v, c.kind))
                                                    for c, v in zip(table.columns, row, strict=True))]))
    if table.total is not None:
        cells.append(", ".join([lit(""), *(f"strong({lit(display(v, c.kind))})"
                                           for c, v in zip(table.columns, table.total, strict=True))]))
    body = ",\n  ".join(cells)
    lines.append(f"#text(size: 9pt, table(columns: {len(table.columns) + 1}, align: ({aligns}), inset: 4pt,\n"
                 f"  table.header({header}),\n  {body}))")
    return "\n".join([*lines, ""])


def _section(number: str, section: Section, images: list[tuple[str, bytes]]) -> str:
    parts = [f"#text(font: {SANS}, {lit(number + section.title)})", ""]
    parts += [f"#h(2em)#{lit(text)}\n" for text in section.paragraphs]
    parts += [_table(table) for table in section.tables]
    for chart in section.charts:
        name = f"chart-{len(images) + 1}.png"
        images.append((name, chart_png(chart)))
        parts.append(f'#align(center, image("{name}", width: 14cm))\n')
    return "\n".join(parts)


def typst_source(bulletin: Bulletin) -> tuple[str, list[tuple[str, bytes]]]:
    images: list[tuple[str, bytes]] = []
    head = f"""#set document(title: {lit(bulletin.title)}, author: {lit(bulletin.issuer)})
#set page(paper: "a4", margin: (top: 3.7cm, bottom: 3.5cm, left: 2.8cm, right: 2.6cm), numbering: "— 1 —")
#set text(font: {SERIF}, size: 14pt, lang: "zh", region: "cn")
#set par(leading: 0.9em, justify: true)
#align(center, text(font: {SERIF}, size: 24pt, weight: "bold", fill: {RED}, {lit(bulletin.issuer)}))
#align(center, text(size: 14pt, {lit(bulletin.doc_number)}))
#line(length: 100%, stroke: 1.5pt + {RED})
#v(0.8em)
#align(center, text(font: {SANS}, size: 20pt, {lit(bulletin.title)}))
#v(0.5em)
#{lit("各县(市、区)人民政府,市直有关单位:")}

"""
    body = [_section(number, section, images) for number, section in bulletin.numbered_sections]
    tail = f"""
#v(2em)
#align(right, {lit(bulletin.issuer)})
#align(right, {lit(cn_date(bulletin.issued_on))})
"""
    return head + "\n".join(body) + tail, images


def write_pdf(bulletin: Bulletin) -> bytes:
    fonts = font_dirs()
    if not fonts:
        raise ValidationFailed("未找到中文字体(请安装 fonts-noto-cjk),无法生成 PDF")
    source, images = typst_source(bulletin)
    issued = bulletin.issued_on
    stamp = datetime(issued.year, issued.month, issued.day, tzinfo=UTC).timestamp()
    with tempfile.TemporaryDirectory(prefix="devzone-bulletin-") as root:
        for name, content in images:
            (Path(root) / name).write_bytes(content)
        main = Path(root) / "bulletin.typ"
        main.write_text(source, encoding="utf-8")
        return typst.compile(str(main), root=root, font_paths=fonts, timestamp=int(stamp))
