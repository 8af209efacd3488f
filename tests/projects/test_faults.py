"""Fault drills that run as tests: the disk filling up while an upload is written, and two users editing the same
project at once (the other drills — PostgreSQL restarted under load, a process killed during an import — are
scripts in bench/faults/ because they kill real processes)."""

from __future__ import annotations

import errno
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import storages
from django.test import Client

from devzone.core import storage
from devzone.core.models import AuditEvent
from devzone.core.services import api_token_create
from devzone.projects.models import Evidence, Project
from devzone.projects.samplefiles import make_pdf


def _client(user) -> Client:
    _token, raw = api_token_create(actor=None, user=user)
    return Client(headers={"Authorization": f"Bearer {raw}"})


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def disk_full(monkeypatch):
    """The disk fills up after the first 1 KB of a file has been written."""

    def write_then_fail(handle, content) -> None:
        data = b"".join(content.chunks())
        handle.write(data[:1024])
        handle.flush()
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(storage, "write_chunks", write_then_fail)


def test_disk_full_during_upload_gives_a_clear_error_and_leaves_nothing(org, make_project, disk_full):
    assert isinstance(storages["default"], storage.AtomicFileSystemStorage)
    project = make_project()
    client = _client(org.county1_user)
    events = AuditEvent.objects.count()
    upload = {"kind": "approval", "document_number": "发改审批〔2026〕1号",
              "file": _pdf("批复.pdf")}
    response = client.post(f"/api/v1/projects/{project.pk}/evidence", upload)
    assert response.status_code == 507
    body = response.json()
    assert body["code"] == "storage_full" and "存储空间不足" in body["message"] and "\n" not in body["message"]
    assert not Evidence.objects.exists()
    assert AuditEvent.objects.count() == events
    assert _files(Path(settings.MEDIA_ROOT)) == []  # no truncated file, no temporary file


def test_disk_full_on_the_upload_page_shows_the_message(org, login, make_project, disk_full):
    project = make_project()
    client = login(org.county1_user)
    response = client.post(f"/projects/{project.pk}/evidence/", {"kind": "approval", "file": _pdf("批复.pdf")})
    assert response.status_code in (200, 400, 422)
    assert "存储空间不足" in response.content.decode()
    assert not Evidence.objects.exists()
    assert _files(Path(settings.MEDIA_ROOT)) == []


def test_upload_after_the_disk_is_freed_works(org, make_project):
    project = make_project()
    response = _client(org.county1_user).post(f"/api/v1/projects/{project.pk}/evidence",
                                              {"kind": "approval", "file": _pdf("批复.pdf")})
    assert response.status_code == 201
    evidence = Evidence.objects.get()
    assert evidence.file.read() == make_pdf(["批复"])
    assert [p.name for p in _files(Path(settings.MEDIA_ROOT))] == [Path(evidence.file.name).name]


def test_two_users_editing_the_same_project_second_gets_409(org, make_project):
    """The county and the project office open the same project; both save. The second save is refused with 409
    and nothing the first one wrote is overwritten."""
    project = make_project()
    county, office = _client(org.county1_user), _client(org.city_user)
    url = f"/api/v1/projects/{project.pk}"
    seen_by_county = county.get(url).json()["updated_at"]
    seen_by_office = office.get(url).json()["updated_at"]
    first = county.patch(url, data=json.dumps({"updated_at": seen_by_county, "name": "县区改的名称"}),
                         content_type="application/json")
    assert first.status_code == 200
    second = office.patch(url, data=json.dumps({"updated_at": seen_by_office, "name": "项目办改的名称"}),
                          content_type="application/json")
    assert second.status_code == 409 and second.json()["code"] == "conflict"
    assert Project.objects.get(pk=project.pk).name == "县区改的名称"
    reread = office.get(url).json()["updated_at"]
    retry = office.patch(url, data=json.dumps({"updated_at": reread, "name": "项目办改的名称"}),
                         content_type="application/json")
    assert retry.status_code == 200 and Project.objects.get(pk=project.pk).name == "项目办改的名称"


def _pdf(name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, make_pdf(["批复"]), content_type="application/pdf")
