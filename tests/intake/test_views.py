"""Import pages: upload, preview, decision, result, batch list and downloads; query counts do not grow with
rows; another user's batch answers 404."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from python_calamine import CalamineWorkbook

from devzone.enterprises.models import Enterprise
from devzone.intake import services
from devzone.intake.models import ImportBatch


def upload(client, content: bytes, name: str = "台账.xlsx", kind: str = "enterprises"):
    return client.post("/imports/", {"kind": kind, "file": SimpleUploadedFile(name, content)})


def test_upload_preview_commit_result(org, login, messy_ledger):
    client = login(org.county1_user)
    assert client.get("/imports/").status_code == 200
    response = upload(client, messy_ledger.content)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/{batch.pk}/"
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    for text in ("未找到县区或乡镇「东山县」", "「北湖区」不在您的管辖范围内", "与第 6 行的统一社会信用代码重复",
                 "疑似公式注入", "导入全部有效行", "仅在全部有效时导入", "取消", "表格单位为亿元"):
        assert text in page, text
    assert "<td class=\"text-end font-monospace\">14</td>" in page  # the Excel row number of the injected row
    assert "=HYPERLINK(&quot;http" in page  # shown escaped, as text
    response = client.post(f"/imports/{batch.pk}/commit/", {"mode": "valid"})
    assert response.status_code == 302 and response["Location"] == f"/imports/{batch.pk}/result/"
    result = client.get(response["Location"]).content.decode()
    assert "已导入:新增 2 家,更新 1 家" in result or "新增 2" in result
    assert client.get(f"/imports/{batch.pk}/").status_code == 302  # a committed batch shows its result


def test_all_or_nothing_refusal_is_shown_and_writes_nothing(org, login, messy_ledger):
    client = login(org.county1_user)
    upload(client, messy_ledger.content)
    batch = ImportBatch.objects.get()
    before = Enterprise.objects.count()
    response = client.post(f"/imports/{batch.pk}/commit/", {"mode": "all"}, follow=True)
    assert "有 5 行未通过校验" in response.content.decode()
    assert Enterprise.objects.count() == before
    assert ImportBatch.objects.get().status == "previewed"


def test_cancel(org, login, messy_ledger):
    client = login(org.county1_user)
    upload(client, messy_ledger.content)
    batch = ImportBatch.objects.get()
    response = client.post(f"/imports/{batch.pk}/cancel/", follow=True)
    assert "已取消" in response.content.decode() and ImportBatch.objects.get().status == "cancelled"
    assert client.get(f"/imports/{batch.pk}/commit/").status_code == 405


def test_refused_file_shows_the_reason_and_stores_nothing(org, login):
    client = login(org.county1_user)
    response = upload(client, b"%PDF-1.4 not a workbook")
    assert response.status_code == 200
    assert "不是有效的 .xlsx 工作簿" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_other_users_batches_are_404(org, login, messy_ledger):
    upload(login(org.county1_user), messy_ledger.content)
    batch = ImportBatch.objects.get()
    other = login(org.county2_user)
    for url in (f"/imports/{batch.pk}/", f"/imports/{batch.pk}/result/", f"/imports/{batch.pk}/file/",
                f"/imports/{batch.pk}/rejected.xlsx"):
        assert other.get(url).status_code == 404, url
    assert other.post(f"/imports/{batch.pk}/commit/", {"mode": "valid"}).status_code == 404
    assert batch.original_name not in other.get("/imports/batches/").content.decode()
    assert login(org.admin).get(f"/imports/{batch.pk}/").status_code == 200


def test_downloads(org, login, messy_ledger):
    client = login(org.county1_user)
    upload(client, messy_ledger.content)
    batch = ImportBatch.objects.get()
    original = client.get(f"/imports/{batch.pk}/file/")
    assert b"".join(original.streaming_content) == messy_ledger.content
    rejected = client.get(f"/imports/{batch.pk}/rejected.xlsx")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(rejected.content)).get_sheet_by_index(0).to_python()
    assert [r[0] for r in rows[3:]] == [8, 11, 12, 13, 14]
    assert rows[7][1] == messy_ledger.injected_code and "公式注入" in rows[7][2]
    template = client.get("/imports/template/enterprises/")
    assert template.status_code == 200 and template["Content-Type"].startswith("application/vnd.openxml")
    assert client.get("/imports/template/nothing/").status_code == 404
    export = client.get("/imports/export/enterprises/")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(export.content)).get_sheet_by_index(0).to_python()
    assert rows[1][0] == "单位:万元" and len(rows) == 4  # the existing county1 enterprise only


def _batch_with_rows(org, make_xlsx, simple_rows, n: int, bad: int) -> ImportBatch:
    rows = simple_rows(n)
    for row in rows[3:3 + bad]:
        row[3] = "东山县"
    return services.batch_create(actor=org.county1_user, kind="enterprises", data=make_xlsx(rows), filename="a.xlsx")


def test_preview_query_count_does_not_grow_with_rows(org, login, make_xlsx, simple_rows,
                                                     django_assert_max_num_queries):
    client = login(org.county1_user)
    small = _batch_with_rows(org, make_xlsx, simple_rows, 4, 2)
    large = _batch_with_rows(org, make_xlsx, simple_rows, 300, 150)
    with django_assert_max_num_queries(20) as few:
        assert client.get(f"/imports/{small.pk}/").status_code == 200
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(f"/imports/{large.pk}/")
    assert page.status_code == 200 and page.context["rejected"].paginator.count == 150
    assert len(page.context["sample"]["rows"]) == 150


def test_list_pages_query_count_does_not_grow(org, login, make_xlsx, simple_rows, django_assert_max_num_queries):
    client = login(org.county1_user)
    _batch_with_rows(org, make_xlsx, simple_rows, 2, 0)
    with django_assert_max_num_queries(20) as few_list:
        assert client.get("/imports/batches/").status_code == 200
    with django_assert_max_num_queries(20) as few_upload:
        assert client.get("/imports/").status_code == 200
    for _ in range(12):
        _batch_with_rows(org, make_xlsx, simple_rows, 2, 1)
    with django_assert_max_num_queries(len(few_list.captured_queries)):
        page = client.get("/imports/batches/")
    assert page.context["listing"].total == 13
    with django_assert_max_num_queries(len(few_upload.captured_queries)):
        assert client.get("/imports/").status_code == 200
    export = client.get("/imports/batches/", {"export": "xlsx"})
    assert export.status_code == 200


def test_result_page_of_a_failed_batch_offers_a_retry(org, login, messy_ledger):
    client = login(org.county1_user)
    upload(client, messy_ledger.content)
    batch = ImportBatch.objects.get()
    ImportBatch.objects.filter(pk=batch.pk).update(status="failed", error="模拟失败")
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "模拟失败" in page and "导入全部有效行" in page
