"""`devzone bulletin`: the same document as the page, written to a file; mistakes are one line and exit 2."""

from __future__ import annotations

import io

import pytest
from docx import Document
from python_calamine import CalamineWorkbook

from devzone.cli import main
from devzone.reports import services


def test_bulletin_command_writes_each_format(org, month, tmp_path, capsys):
    out = tmp_path / "通报.docx"
    assert main(["bulletin", "--period", "2026-10", "--format", "docx", "--out", str(out)]) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith("已生成关于2026年10月") and str(out) in line
    same = services.bulletin_render(user=org.admin, kind="monthly", period="2026-10", fmt="docx")
    assert [p.text for p in Document(str(out)).paragraphs] == [
        p.text for p in Document(io.BytesIO(same.content)).paragraphs]
    xlsx = tmp_path / "weekly.xlsx"
    assert main(["bulletin", "--period", "2026-W43", "--kind", "weekly", "--format", "xlsx", "--out", str(xlsx),
                 "--user", "county2"]) == 0
    book = CalamineWorkbook.from_path(str(xlsx))
    signed = book.get_sheet_by_name("亿元以上签约").to_python()
    assert [row[1] for row in signed[3:]] == ["新签项目N2", "合计"]


@pytest.mark.parametrize("args, message", [
    (["--period", "2026-13", "--format", "pdf"], "期别「2026-13」格式应为"),
    (["--period", "2026-10", "--kind", "weekly", "--format", "pdf"], "期别「2026-10」格式应为"),
    (["--period", "2026-10", "--format", "docx", "--user", "nobody"], "用户 nobody 不存在或已停用"),
])
def test_bad_input_is_one_line_and_exit_2(org, tmp_path, capsys, args, message):
    out = tmp_path / "x.bin"
    assert main(["bulletin", *args, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert not out.exists()


def test_bad_format_or_directory_exit_2(org, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["bulletin", "--period", "2026-10", "--format", "odt", "--out", str(tmp_path / "x")])
    assert exit_info.value.code == 2
    assert main(["bulletin", "--period", "2026-10", "--format", "pdf", "--out", str(tmp_path / "no" / "x.pdf")]) == 2
    assert "输出目录不存在" in capsys.readouterr().err
