"""Backup and restore: one .zip holding every row of every table and every uploaded file, with checksums.

The archive is database-neutral (one JSON line per row, values normalised per field type), so a backup taken
from SQLite restores into PostgreSQL and back. Rows are read inside one transaction (a snapshot: REPEATABLE READ
on PostgreSQL; on SQLite the transaction holds the write lock, so the site keeps reading while a county-sized
database is copied). Restore fills an empty, migrated deployment: it clears what the migrations seeded, inserts
every row with its primary key in one transaction (foreign keys are checked at commit), resets the sequences and
writes the files; then the checksums are compared with the manifest.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from devzone.core.errors import Conflict, ValidationFailed

FORMAT_VERSION = 1
BATCH = 2000


# --- normalising values so that every database writes the same text ------------------------------------

def _plain(value: Any, fld: models.Field) -> Any:
    if value is None:
        return None
    if isinstance(fld, models.DecimalField):
        return str(Decimal(value).quantize(Decimal(1).scaleb(-fld.decimal_places)))
    if isinstance(value, datetime):
        value = value if timezone.is_aware(value) else timezone.make_aware(value, UTC)
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(fld, models.FileField):
        return str(value) if value else ""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return value


def _row_line(obj: models.Model, fields: list[models.Field]) -> str:
    row = {f.attname: _plain(getattr(obj, f.attname), f) for f in fields}
    return json.dumps(row, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def all_models() -> list[type[models.Model]]:
    """Every concrete, managed table, including many-to-many link tables, in a stable order."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy and not model._meta.swapped:
            found.append(model)
    return sorted(found, key=lambda m: m._meta.label_lower)


def _fields(model: type[models.Model]) -> list[models.Field]:
    return list(model._meta.concrete_fields)


def table_lines(model: type[models.Model]) -> Iterator[str]:
    fields = _fields(model)
    for obj in model._base_manager.order_by("pk").iterator(chunk_size=BATCH):
        yield _row_line(obj, fields)


def _sha256_lines(lines: Iterator[str]) -> tuple[int, str]:
    digest, count = hashlib.sha256(), 0
    for line in lines:
        digest.update(line.encode("utf-8") + b"\n")
        count += 1
    return count, digest.hexdigest()


def table_checksums() -> dict[str, dict[str, Any]]:
    """Rows and SHA-256 per table of the current database (what a restore is compared against)."""
    return {model._meta.label_lower: dict(zip(("rows", "sha256"), _sha256_lines(table_lines(model)), strict=True))
            for model in all_models()}


def _media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class BackupReport:
    path: Path
    tables: dict[str, dict[str, Any]] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)

    def text(self) -> str:
        rows = sum(t["rows"] for t in self.tables.values())
        return f"已备份 {len(self.tables)} 张表共 {rows:,} 行、{len(self.files)} 个文件 → {self.path}"


def _snapshot_transaction(outermost: bool) -> None:
    """On PostgreSQL, make the backup's transaction one snapshot (when it is not nested in another)."""
    if outermost and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")


def _migration_state() -> dict[str, str]:
    state: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).migration_qs.order_by("app", "name").values_list("app", "name"):
        state[app] = name
    return state


def backup(path: str | Path) -> BackupReport:
    """Write a consistent snapshot of the database and the uploaded files to `path` (.zip)."""
    target = Path(path)
    if target.suffix.lower() != ".zip":
        raise ValidationFailed("备份文件名须以 .zip 结尾")
    target.parent.mkdir(parents=True, exist_ok=True)
    report = BackupReport(path=target)
    partial = target.with_suffix(".zip.partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            _snapshot_transaction(outermost)
            for model in all_models():
                report.tables[model._meta.label_lower] = _write_table(archive, model)
            migrations = _migration_state()
        for file_path in _media_files():
            name = file_path.relative_to(settings.MEDIA_ROOT).as_posix()
            archive.write(file_path, f"media/{name}")
            report.files[name] = _file_sha256(file_path)
        manifest = {"format": FORMAT_VERSION, "created_at": timezone.now().isoformat(), "vendor": connection.vendor,
                    "migrations": migrations, "tables": report.tables, "files": report.files}
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True))
    partial.replace(target)  # a reader never sees a half-written backup
    return report


def _write_table(archive: zipfile.ZipFile, model: type[models.Model]) -> dict[str, Any]:
    digest, count = hashlib.sha256(), 0
    with archive.open(f"data/{model._meta.label_lower}.jsonl", "w") as handle:
        for line in table_lines(model):
            data = line.encode("utf-8") + b"\n"
            handle.write(data)
            digest.update(data)
            count += 1
    return {"rows": count, "sha256": digest.hexdigest()}


# --- restore ---------------------------------------------------------------------------------------------

def _read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except (KeyError, ValueError) as exc:
        raise ValidationFailed("不是 devzone 备份文件:缺少或无法读取 manifest.json") from exc
    if manifest.get("format") != FORMAT_VERSION:
        raise ValidationFailed(f"备份格式版本 {manifest.get('format')} 不受支持")
    return manifest


def _check_migrations(manifest: dict[str, Any]) -> None:
    current = _migration_state()
    behind = {app: name for app, name in manifest["migrations"].items() if current.get(app, "") < name}
    if behind:
        listed = ", ".join(f"{app}:{name}" for app, name in sorted(behind.items()))
        raise Conflict(f"目标数据库结构比备份旧,请先升级 (devzone migrate):{listed}")


def _ensure_empty() -> None:
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    if user_model._base_manager.exists():
        raise Conflict("目标数据库已有用户数据;恢复只能在新部署(空数据库)上进行")


def _objects(model: type[models.Model], lines: Iterator[bytes]) -> Iterator[models.Model]:
    fields = {f.attname: f for f in _fields(model)}
    for raw in lines:
        row = json.loads(raw)
        values = {}
        for attname, value in row.items():
            fld = fields[attname]
            if value is not None and isinstance(fld, models.BinaryField):
                value = bytes.fromhex(value)
            elif value is not None and not isinstance(fld, models.JSONField):
                value = fld.to_python(value)
            values[attname] = value
        yield model(**values)


def _insert(model: type[models.Model], batch: list[models.Model]) -> None:
    """Insert rows as they are (raw, like loaddata): auto_now fields keep their stored values."""
    model._base_manager._insert(batch, fields=_fields(model), raw=True)


def _load_table(archive: zipfile.ZipFile, model: type[models.Model]) -> None:
    name = f"data/{model._meta.label_lower}.jsonl"
    if name not in archive.namelist():
        return
    batch: list[models.Model] = []
    with archive.open(name) as handle:
        for obj in _objects(model, iter(handle.readline, b"")):
            batch.append(obj)
            if len(batch) >= BATCH:
                _insert(model, batch)
                batch = []
    if batch:
        _insert(model, batch)


def _reset_sequences(models_list: list[type[models.Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), models_list)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _restore_files(archive: zipfile.ZipFile, manifest: dict[str, Any]) -> None:
    root = Path(settings.MEDIA_ROOT).resolve()
    for name, expected in manifest["files"].items():
        destination = (root / name).resolve()
        if root not in destination.parents:
            raise ValidationFailed(f"备份中的文件路径不安全:{name}")
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(archive.read(f"media/{name}"))
        if _file_sha256(destination) != expected:
            raise Conflict(f"文件 {name} 校验和不符,备份已损坏")


def restore(path: str | Path) -> dict[str, dict[str, Any]]:
    """Load a backup into this (migrated, empty) deployment; returns the verified per-table checksums."""
    source = Path(path)
    if not zipfile.is_zipfile(source):
        raise ValidationFailed("不是有效的备份文件(.zip)")
    with zipfile.ZipFile(source) as archive:
        manifest = _read_manifest(archive)
        _check_migrations(manifest)
        _ensure_empty()
        models_list = all_models()
        with transaction.atomic():
            for model in reversed(models_list):
                model._base_manager.all()._raw_delete(using=connection.alias)
            for model in models_list:
                _load_table(archive, model)
            _reset_sequences(models_list)
            actual = table_checksums()
            broken = [label for label, expected in manifest["tables"].items() if actual.get(label) != expected]
            if broken:
                raise Conflict(f"恢复后校验不符,已全部回滚:{', '.join(broken[:5])}")
        _restore_files(archive, manifest)
    return actual
