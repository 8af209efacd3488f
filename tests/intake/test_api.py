"""The imports API: multipart upload → preview, commit in both modes, cancel, read; errors as
{code, message, details}; another user's batch is 404 and never listed."""

from __future__ import annotations

import json

from django.core.files.uploadedfile import SimpleUploadedFile

from devzone.enterprises.models import Enterprise


def post_file(client, content: bytes, name: str = "台账.xlsx", kind: str = "enterprises"):
    return client.post("/api/v1/imports", {"kind": kind, "file": SimpleUploadedFile(name, content)})


def post_json(client, url: str, body: dict | None = None):
    return client.post(url, data=json.dumps(body or {}), content_type="application/json")


def test_upload_answers_the_preview(org, api_client, messy_ledger):
    response = post_file(api_client(org.county1_user), messy_ledger.content)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "previewed" and body["created_by"] == "county1" and body["rejected_rows"] == 5
    assert [r["row"] for r in body["preview"]["rejected"]] == [8, 11, 12, 13, 14]
    assert body["preview"]["counts"]["valid"] == 3 and body["updated_at"]


def test_commit_valid_then_conflict(org, api_client, messy_ledger):
    client = api_client(org.county1_user)
    batch = post_file(client, messy_ledger.content).json()
    before = Enterprise.objects.count()
    response = post_json(client, f"/api/v1/imports/{batch['id']}/commit", {"mode": "valid"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "committed" and response.json()["created_count"] == 2
    assert Enterprise.objects.count() == before + 2
    again = post_json(client, f"/api/v1/imports/{batch['id']}/commit", {"mode": "valid"})
    assert again.status_code == 409 and again.json()["code"] == "conflict"
    assert client.get(f"/api/v1/imports/{batch['id']}").json()["result"]["created"] == 2


def test_all_or_nothing_is_422_with_every_rejected_row(org, api_client, messy_ledger):
    client = api_client(org.county1_user)
    batch = post_file(client, messy_ledger.content).json()
    response = post_json(client, f"/api/v1/imports/{batch['id']}/commit", {"mode": "all"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error" and [d["row"] for d in body["details"]] == [8, 11, 12, 13, 14]
    assert post_json(client, f"/api/v1/imports/{batch['id']}/commit", {"mode": "some"}).status_code == 422
    assert post_json(client, f"/api/v1/imports/{batch['id']}/cancel").json()["status"] == "cancelled"


def test_refused_files_and_unknown_kinds(org, api_client, make_xlsx):
    client = api_client(org.county1_user)
    response = post_file(client, b"PK\x03\x04 broken")
    assert response.status_code == 422 and response.json()["code"] == "file_refused"
    assert "压缩结构损坏" in response.json()["message"]
    response = post_file(client, make_xlsx([["统一社会信用代码", "企业名称"]]), kind="rockets")
    assert response.status_code == 422 and "未知的导入类型" in response.json()["message"]
    assert client.post("/api/v1/imports", {"kind": "enterprises"}).status_code == 422
    assert post_file(api_client(org.observer), make_xlsx([["统一社会信用代码", "企业名称"]])).status_code == 403


def test_batches_are_private(org, api_client, messy_ledger):
    mine = post_file(api_client(org.county1_user), messy_ledger.content).json()
    other = api_client(org.county2_user)
    assert other.get(f"/api/v1/imports/{mine['id']}").status_code == 404
    assert post_json(other, f"/api/v1/imports/{mine['id']}/commit", {"mode": "valid"}).status_code == 404
    assert post_json(other, f"/api/v1/imports/{mine['id']}/cancel").status_code == 404
    assert other.get("/api/v1/imports").json()["count"] == 0
    listing = api_client(org.county1_user).get("/api/v1/imports", {"status": "previewed"}).json()
    assert listing["count"] == 1 and listing["items"][0]["id"] == mine["id"] and "preview" not in listing["items"][0]
    assert api_client(org.admin).get(f"/api/v1/imports/{mine['id']}").status_code == 200


def test_kinds(org, api_client):
    body = api_client(org.county1_user).get("/api/v1/imports/kinds").json()
    assert {"kind": "enterprises", "title": "企业库"} in body


def test_session_upload_needs_csrf(org, login, messy_ledger):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(org.county1_user)
    response = client.post("/api/v1/imports", {"kind": "enterprises",
                                               "file": SimpleUploadedFile("a.xlsx", messy_ledger.content)})
    assert response.status_code in (401, 403)
