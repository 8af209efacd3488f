"""Backup and restore: every row and file comes back with equal checksums, also from SQLite into PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from devzone.core import audit
from devzone.core.backup import all_models, backup, restore, table_checksums
from devzone.core.errors import Conflict, ValidationFailed
from devzone.core.models import AuditEvent, Region, User


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_backup_holds_every_table_and_file(org, make_enterprise, media, tmp_path):
    make_enterprise()
    default_storage.save("evidence/photo.jpg", ContentFile(b"\xff\xd8 not really a photo"))
    report = backup(tmp_path / "b.zip")
    with zipfile.ZipFile(report.path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert set(manifest["tables"]) == {m._meta.label_lower for m in all_models()}
        assert manifest["tables"]["core.region"]["rows"] == Region.objects.count()
        assert manifest["files"].keys() == {"evidence/photo.jpg"}
        assert "core.user_roles" in manifest["tables"]  # many-to-many link tables too


def test_round_trip_reproduces_rows_files_and_audit_chain(org, make_enterprise, media, tmp_path):
    make_enterprise(name="往返测试企业有限公司")
    default_storage.save("evidence/site.pdf", ContentFile(b"%PDF-1.4 test"))
    before = table_checksums()
    path = backup(tmp_path / "b.zip").path
    for model in reversed(all_models()):  # an empty deployment: nothing but what migrations seed
        model._base_manager.all()._raw_delete(using="default")
    default_storage.delete("evidence/site.pdf")
    after = restore(path)
    assert after == before
    assert User.objects.filter(username="county1").exists()
    assert default_storage.open("evidence/site.pdf").read() == b"%PDF-1.4 test"
    assert audit.verify_chain().ok
    new = Region.objects.create(name="新区", level="county", parent=org.city)  # sequences were reset
    assert new.pk > max(r["id"] for r in [{"id": org.town1.pk}])


def test_restore_refuses_a_deployment_with_data(org, media, tmp_path):
    path = backup(tmp_path / "b.zip").path
    with pytest.raises(Conflict):
        restore(path)


def test_restore_refuses_something_else(db, tmp_path):
    bogus = tmp_path / "x.zip"
    bogus.write_bytes(b"not a zip")
    with pytest.raises(ValidationFailed):
        restore(bogus)
    with zipfile.ZipFile(tmp_path / "y.zip", "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(ValidationFailed):
        restore(tmp_path / "y.zip")


def test_a_corrupted_backup_is_rolled_back(org, media, tmp_path):
    path = backup(tmp_path / "b.zip").path
    tampered = tmp_path / "t.zip"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tampered, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "data/core.region.jsonl":
                data = data.replace("澜江区".encode(), "篡改区".encode())
            dst.writestr(item, data)
    for model in reversed(all_models()):
        model._base_manager.all()._raw_delete(using="default")
    with pytest.raises(Conflict):
        restore(tampered)
    assert not Region.objects.exists() and not AuditEvent.objects.exists()


def _devzone(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "devzone.cli", *args], env=env, capture_output=True, text=True,
                          timeout=300)


@pytest.mark.skipif(not os.environ.get("DEVZONE_DATABASE_URL", "").startswith("postgres"),
                    reason="the cross-database round trip runs in the PostgreSQL pass of the suite")
def test_sqlite_backup_restores_into_postgresql(tmp_path):
    """Demo data on SQLite → backup → a new PostgreSQL database → restore → identical checksums."""
    import psycopg

    base = {k: v for k, v in os.environ.items() if not k.startswith("DEVZONE_")}
    base.update(DEVZONE_SECRET_KEY="x" * 40, DEVZONE_HTTPS="0")
    sqlite_env = {**base, "DEVZONE_DATA_DIR": str(tmp_path / "a")}
    assert _devzone(["demo", "--no-serve"], sqlite_env).returncode == 0
    first = _devzone(["backup", str(tmp_path / "a.zip")], sqlite_env)
    assert first.returncode == 0, first.stderr
    url = os.environ["DEVZONE_DATABASE_URL"].rsplit("/", 1)[0]
    name = f"dz_restore_{os.getpid()}"
    with psycopg.connect(f"{url}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    try:
        pg_env = {**base, "DEVZONE_DATA_DIR": str(tmp_path / "b"), "DEVZONE_DATABASE_URL": f"{url}/{name}"}
        restored = _devzone(["restore", str(tmp_path / "a.zip")], pg_env)
        assert restored.returncode == 0, restored.stderr
        assert _devzone(["backup", str(tmp_path / "b.zip")], pg_env).returncode == 0
        assert _devzone(["audit", "verify"], pg_env).returncode == 0
        with zipfile.ZipFile(tmp_path / "a.zip") as a, zipfile.ZipFile(tmp_path / "b.zip") as b:
            tables_a = json.loads(a.read("manifest.json"))["tables"]
            tables_b = json.loads(b.read("manifest.json"))["tables"]
        assert tables_a == tables_b
        assert tables_a["enterprises.enterprise"]["rows"] == 3000
    finally:
        with psycopg.connect(f"{url}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_cli_backup_needs_a_zip_name(db, capsys, tmp_path):
    from devzone.cli import main

    assert main(["backup", str(tmp_path / "b.tar")]) == 2
    assert ".zip" in capsys.readouterr().err
    assert main(["restore", str(tmp_path / "none.zip")]) == 2
    assert Path(tmp_path / "none.zip").exists() is False
