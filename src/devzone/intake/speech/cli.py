"""`devzone intake FILE [--meeting-date YYYY-MM-DD] [--json]`: the function behind the command.

The argparse wiring lives in devzone.cli; this module reads the file, runs the default (rule-based)
extractor and renders the result. Every user mistake raises IntakeInputError with one line of Chinese.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from devzone.intake.speech.errors import IntakeInputError
from devzone.intake.speech.extract import default_extractor
from devzone.intake.speech.model import DraftTask
from devzone.intake.speech.normalise import normalise

MAX_BYTES = 10 * 1024 * 1024  # a speech is a few hundred kilobytes at most
_BINARY_SIGNATURES = (b"PK\x03\x04", b"%PDF", b"\xd0\xcf\x11\xe0", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"{\\rtf")


def parse_meeting_date(value: str | None) -> date | None:
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise IntakeInputError(f"会议日期格式不正确:{value},应为 YYYY-MM-DD") from None


def read_text(path: str) -> str:
    """The text of a .txt file in UTF-8 (with or without BOM) or GB18030 (GBK, GB2312)."""
    file = Path(path)
    try:
        if not file.is_file():
            raise IntakeInputError(f"无法读取文件:{path}(文件不存在或不是普通文件)")
        if file.stat().st_size > MAX_BYTES:
            raise IntakeInputError(f"文件过大:{path}(超过 10 MB,不像是一篇讲话)")
        data = file.read_bytes()
    except OSError as exc:
        raise IntakeInputError(f"无法读取文件:{path}({exc.strerror or '读取失败'})") from None
    if data.startswith(_BINARY_SIGNATURES) or b"\x00" in data[:8192]:
        raise IntakeInputError(f"不是文本文件:{path}(请另存为 .txt 纯文本后再导入)")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t\f")
        if controls > max(3, len(text) // 100):
            break
        return text
    raise IntakeInputError(f"不是文本文件:{path}(无法按 UTF-8 或 GB18030 解码)")


def _describe(task: DraftTask) -> list[str]:
    lines = []
    if task.owners:
        lines.append("责任:" + "、".join(task.owners))
    deadline = task.deadline
    if not deadline.empty:
        parts = [deadline.text or ""]
        if deadline.masked:
            parts.append("(时间被隐去)")
        elif deadline.date:
            parts.append(f"({deadline.date.isoformat()})")
        if deadline.recurrence:
            parts.append(f" 周期 {deadline.recurrence}")
        lines.append("时限:" + "".join(parts))
    if task.targets:
        rendered = []
        for target in task.targets:
            if target.value is None:
                rendered.append(f"{target.indicator or ''} {target.text}(数值被隐去)".strip())
            else:
                rendered.append(f"{target.indicator or target.text} {target.value:g}{target.unit or ''}")
        lines.append("指标:" + ";".join(rendered))
    lines.append(f"要求:{task.obligation}")
    return lines


def render_text(tasks: list[DraftTask]) -> str:
    if not tasks:
        return "未发现布置工作的句子。"
    out = [f"任务清单草稿(共 {len(tasks)} 条,请核对):"]
    for number, task in enumerate(tasks, start=1):
        out.append(f"{number}. {task.sentence}")
        out.extend("   " + line for line in _describe(task))
    return "\n".join(out)


def render_json(tasks: list[DraftTask]) -> str:
    return json.dumps([task.to_dict() for task in tasks], ensure_ascii=False, indent=2)


def intake_command(path: str, meeting_date: str | None = None, as_json: bool = False) -> str:
    """Read a speech from `path` and return the draft task list to print: numbered text, or JSON."""
    meeting = parse_meeting_date(meeting_date)
    raw = read_text(path)
    text = normalise(raw)
    if not text.strip():
        raise IntakeInputError(f"文件内容为空:{path}")
    tasks = default_extractor().extract(text, meeting)
    return render_json(tasks) if as_json else render_text(tasks)
