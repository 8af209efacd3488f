"""`devzone import` / `devzone export` as functions: the text they print and every user-mistake exit."""

from __future__ import annotations

import pytest
from python_calamine import CalamineWorkbook

from devzone.core.errors import DomainError
from devzone.core.models import AuditEvent
from devzone.enterprises.models import Enterprise
from devzone.intake.cli import export_command, import_command
from devzone.intake.models import ImportBatch


@pytest.fixture
def ledger_file(tmp_path, messy_ledger):
    path = tmp_path / "澜江台账.xlsx"
    path.write_bytes(messy_ledger.content)
    return path


def run_import(path, **kwargs) -> str:
    options = {"username": "county1", "dry_run": False, "mode": "valid", **kwargs}
    return import_command("enterprises", str(path), **options)


def one_line_error(**kwargs) -> str:
    with pytest.raises(DomainError) as exc:
        run_import(**kwargs)
    assert "\n" not in exc.value.message
    return exc.value.message


def test_dry_run_prints_the_preview_and_writes_nothing(org, ledger_file):
    before = Enterprise.objects.count()
    text = run_import(ledger_file, dry_run=True)
    assert "表头第 3–4 行,单位 亿元" in text and "数据行 8:有效 3(新增 2、更新 1),拒绝 5" in text
    assert "第 12 行[东山县远大化工有限公司]:未找到县区或乡镇「东山县」" in text
    assert text.endswith("试运行:未写入任何数据。")
    assert Enterprise.objects.count() == before and not ImportBatch.objects.exists()


def test_valid_mode_imports_and_reports(org, ledger_file):
    before = Enterprise.objects.count()
    text = run_import(ledger_file)
    batch = ImportBatch.objects.get()
    assert f"已导入(批次 #{batch.pk}):新增 2,更新 1,无变化 0;跳过被拒绝的 5 行。" in text
    assert Enterprise.objects.count() == before + 2 and batch.created_by == org.county1_user


def test_all_mode_refuses_with_count_and_first_rows(org, ledger_file):
    before = Enterprise.objects.count()
    message = one_line_error(path=ledger_file, mode="all")
    assert message.startswith("有 5 行未通过校验,按“仅在全部有效时导入”未写入任何数据。第 8 行:")
    assert "第 11 行:与第 6 行的统一社会信用代码重复" in message and "等(共 5 行)" in message
    assert Enterprise.objects.count() == before and not ImportBatch.objects.exists()


def test_user_mistakes_are_one_line_errors(org, ledger_file, tmp_path):
    assert "未知的导入类型「projectz」" in _error(lambda: import_command("projectz", str(ledger_file), username=None,
                                                                        dry_run=True, mode="valid"))
    assert "文件不存在" in one_line_error(path=tmp_path / "没有.xlsx")
    (tmp_path / "目录.xlsx").mkdir()
    assert "文件不存在" in one_line_error(path=tmp_path / "目录.xlsx")
    garbage = tmp_path / "乱码.xlsx"
    garbage.write_bytes(b"not a workbook at all")
    assert "不是有效的 .xlsx 工作簿" in one_line_error(path=garbage)
    assert "不支持的文件类型 .txt" in one_line_error(path=tmp_path / "a.txt")
    assert "用户 nobody 不存在或已停用" in one_line_error(path=ledger_file, username="nobody")
    assert "--mode 只能是" in one_line_error(path=ledger_file, mode="some")
    headerless = tmp_path / "无表头.csv"
    headerless.write_text("a,b\n1,2\n", encoding="utf-8")
    assert "未找到表头" in one_line_error(path=headerless)
    assert "只读" in one_line_error(path=ledger_file, username="observer")
    assert not ImportBatch.objects.exists()


def _error(call) -> str:
    with pytest.raises(DomainError) as exc:
        call()
    return exc.value.message


def test_without_a_user_the_system_imports_everything(org, ledger_file):
    text = run_import(ledger_file, username=None)
    assert "新增 3" in text  # the neighbour county's row is in the system's jurisdiction
    event = AuditEvent.objects.get(action="import")
    assert event.actor_id is None and ImportBatch.objects.get().created_by is None


def test_export_writes_the_import_layout(org, make_enterprise, tmp_path):
    make_enterprise()
    make_enterprise(region=org.county2)
    target = tmp_path / "企业.xlsx"
    assert export_command("enterprises", str(target), username="county1") == f"已导出企业库 1 行到 {target}"
    rows = CalamineWorkbook.from_path(str(target)).get_sheet_by_index(0).to_python()
    assert rows[0][0] == "企业库(2025年度)" and rows[1][0] == "单位:万元"
    assert rows[2][:3] == ["序号", "统一社会信用代码", "企业名称"]
    assert len(rows) == 4


def test_export_mistakes(org, tmp_path):
    assert "未知的导入类型" in _error(lambda: export_command("nothing", str(tmp_path / "a.xlsx"), username=None))
    assert ".xlsx 结尾" in _error(lambda: export_command("enterprises", str(tmp_path / "a.csv"), username=None))
    assert "无法写入文件" in _error(lambda: export_command("enterprises", str(tmp_path / "no" / "a.xlsx"),
                                                       username=None))
    assert "不存在或已停用" in _error(lambda: export_command("enterprises", str(tmp_path / "a.xlsx"),
                                                        username="ghost"))
