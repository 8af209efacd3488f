"""`devzone import KIND FILE` and `devzone export KIND FILE`, as functions devzone.cli calls once Django is set
up. They return the text to print; every user mistake raises DomainError with a one-line Chinese message
(devzone.cli prints it and exits 2)."""

from __future__ import annotations

from pathlib import Path

from devzone.core.errors import ValidationFailed
from devzone.core.models import User
from devzone.intake import pipeline, services
from devzone.intake.models import ImportBatch
from devzone.intake.registry import adapter_class

SKIPPED_LABELS = {"group": "分组行", "total": "合计行", "blank": "空行", "note": "说明行", "header": "重复表头"}


def import_command(kind: str, path: str, *, username: str | None, dry_run: bool, mode: str) -> str:
    """Import FILE as KIND. mode "valid" writes every valid row; "all" writes only when no row is rejected.
    With dry_run nothing is written (not even a batch)."""
    actor = _actor(username)
    if mode not in pipeline.MODES:
        raise ValidationFailed(f"--mode 只能是 valid(导入全部有效行)或 all(仅在全部有效时导入),而不是「{mode}」")
    adapter_class(kind)
    data = services.read_path(path)
    name = Path(path).name
    if dry_run:
        parsed = services.preview_file(actor=actor, kind=kind, data=data, filename=name)
        return "\n".join([*describe(parsed, name), "试运行:未写入任何数据。"])
    batch, parsed = services.import_file(actor=actor, kind=kind, data=data, filename=name, mode=mode)
    return "\n".join([*describe(parsed, name), outcome(batch)])


def export_command(kind: str, path: str, *, username: str | None) -> str:
    """Write the user's KIND data to PATH (.xlsx) in the layout `import` reads."""
    actor = _actor(username)
    title = adapter_class(kind).title
    if Path(path).suffix.lower() != ".xlsx":
        raise ValidationFailed(f"导出文件名应以 .xlsx 结尾:{path}")
    content, rows = services.export_workbook(actor=actor, kind=kind)
    try:
        Path(path).write_bytes(content)
    except OSError as exc:
        raise ValidationFailed(f"无法写入文件 {path}:{exc.strerror or exc}") from exc
    return f"已导出{title} {rows} 行到 {path}"


def _actor(username: str | None) -> User:
    if username is None:
        return services.system_actor()
    user = (User.objects.select_related("region", "department__region").prefetch_related("roles")
            .filter(username=username, is_active=True).first())
    if user is None:
        raise ValidationFailed(f"用户 {username} 不存在或已停用")
    return user


def describe(parsed: pipeline.ParseResult, name: str) -> list[str]:
    """The preview as lines of text."""
    counts, lay = parsed.counts(), parsed.layout
    headers = "–".join(str(r + 1) for r in lay.header_rows)
    lines = [f"{parsed.adapter.title if parsed.adapter else parsed.kind} ← {name}(工作表「{parsed.sheet}」,"
             f"表头第 {headers} 行,单位 {lay.unit or '万元'})"]
    skipped = "、".join(f"{SKIPPED_LABELS.get(k, k)} {v}" for k, v in parsed.skipped.items() if v)
    lines.append(f"数据行 {counts['data_rows']}:有效 {counts['valid']}(新增 {counts['create']}、"
                 f"更新 {counts['update']}),拒绝 {counts['rejected']}" + (f";跳过 {skipped}" if skipped else ""))
    if parsed.rejected:
        lines.append("拒绝的行:")
        lines += [f"  第 {r.row} 行{f'[{r.label}]' if r.label else ''}:{';'.join(r.reasons)}" for r in parsed.rejected]
    if parsed.warnings:
        lines.append("提示:")
        lines += [f"  {f'第 {row} 行:' if row else ''}{message}" for row, message in parsed.warnings]
    return lines


def outcome(batch: ImportBatch) -> str:
    result = batch.result or {}
    skipped = result.get("rejected_skipped", 0)
    return (f"已导入(批次 #{batch.pk}):新增 {batch.created_count},更新 {batch.updated_count},"
            f"无变化 {result.get('unchanged', 0)}" + (f";跳过被拒绝的 {skipped} 行" if skipped else "") + "。")
