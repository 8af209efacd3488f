"""`intake_command`: text and JSON output, and the user errors (IntakeInputError, one line of Chinese)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from devzone.intake.speech import IntakeInputError
from devzone.intake.speech.cli import intake_command

SPEECH = "同志们:\n各县(市、区)要在一周内上报项目清单,开工率力争达到XX%。\n去年全市完成投资80亿元。\n"


@pytest.fixture
def speech_file(tmp_path: Path) -> Path:
    path = tmp_path / "讲话.txt"
    path.write_text(SPEECH, encoding="utf-8")
    return path


def test_human_readable_numbered_list(speech_file: Path) -> None:
    out = intake_command(str(speech_file), meeting_date="2026-03-10")
    assert out.splitlines() == [
        "任务清单草稿(共 1 条,请核对):",
        "1. 各县(市、区)要在一周内上报项目清单,开工率力争达到XX%。",
        "   责任:各县(市、区)",
        "   时限:一周内(2026-03-17)",
        "   指标:开工率 达到XX%(数值被隐去)",
        "   要求:要",
    ]


def test_json_output(speech_file: Path) -> None:
    data = json.loads(intake_command(str(speech_file), meeting_date="2026-03-10", as_json=True))
    assert data == [
        {
            "sentence": "各县(市、区)要在一周内上报项目清单,开工率力争达到XX%。",
            "owners": ["各县(市、区)"],
            "deadline": {"text": "一周内", "date": "2026-03-17", "recurrence": None, "masked": False},
            "targets": [{"text": "达到XX%", "indicator": "开工率", "value": None, "unit": "%"}],
            "obligation": "要",
            "start": 5,
            "end": 35,
        }
    ]


def test_json_is_not_ascii_escaped(speech_file: Path) -> None:
    assert "各县" in intake_command(str(speech_file), as_json=True)


def test_without_a_meeting_date_relative_deadlines_have_no_date(speech_file: Path) -> None:
    data = json.loads(intake_command(str(speech_file), as_json=True))
    assert data[0]["deadline"] == {"text": "一周内", "date": None, "recurrence": None, "masked": False}


def test_gb18030_file(tmp_path: Path) -> None:
    path = tmp_path / "gbk.txt"
    path.write_bytes(SPEECH.encode("gb18030"))
    assert "各县(市、区)" in intake_command(str(path))


def test_utf8_with_bom_and_traditional_text(tmp_path: Path) -> None:
    path = tmp_path / "big5ish.txt"
    path.write_bytes("\ufeff各縣(市、區)要抓緊開工,確保年底前全部投產。".encode())
    assert json.loads(intake_command(str(path), as_json=True))[0]["owners"] == ["各县(市、区)"]


def test_no_tasks_is_said_plainly(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text("去年全市完成投资80亿元,同比增长12%。", encoding="utf-8")
    assert intake_command(str(path)) == "未发现布置工作的句子。"
    assert intake_command(str(path), as_json=True) == "[]"


def _error(path: str, **kwargs: object) -> str:
    with pytest.raises(IntakeInputError) as caught:
        intake_command(path, **kwargs)  # type: ignore[arg-type]
    message = str(caught.value)
    assert "\n" not in message and message
    return message


def test_missing_file() -> None:
    assert _error("/nonexistent/讲话.txt").startswith("无法读取文件")


def test_directory_is_not_a_file(tmp_path: Path) -> None:
    assert _error(str(tmp_path)).startswith("无法读取文件")


def test_unreadable_file(speech_file: Path) -> None:
    speech_file.chmod(0)
    try:
        if _readable(speech_file):
            pytest.skip("running as a user who can read anything (root)")
        assert _error(str(speech_file)).startswith("无法读取文件")
    finally:
        speech_file.chmod(0o644)


def _readable(path: Path) -> bool:
    try:
        path.read_bytes()
    except OSError:
        return False
    return True


def test_docx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "讲话.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert _error(str(path)).startswith("不是文本文件")


def test_binary_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    assert _error(str(path)).startswith("不是文本文件")
    other = tmp_path / "random.bin"
    other.write_bytes(bytes(range(256)) * 8)
    assert _error(str(other)).startswith("不是文本文件")


@pytest.mark.parametrize("bad", ["2026-13-01", "2026/03/10", "next week", "20260310x"])
def test_bad_meeting_date(speech_file: Path, bad: str) -> None:
    assert _error(str(speech_file), meeting_date=bad).startswith("会议日期格式不正确")


@pytest.mark.parametrize("content", ["", "   \n\n\t", "打印本页 关闭窗口\n来源:新华网\n2026年3月10日\n"])
def test_empty_file(tmp_path: Path, content: str) -> None:
    path = tmp_path / "empty.txt"
    path.write_text(content, encoding="utf-8")
    assert _error(str(path)).startswith("文件内容为空")
