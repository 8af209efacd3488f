"""Runs of schemes whose data is not in the database: an uploaded .xlsx/.csv read by the engine's own reader."""

from __future__ import annotations

import io
import math

import polars as pl
import pytest

from devzone.core.errors import ValidationFailed
from devzone.evaluation import services
from devzone.evaluation.engine import evaluate, load_scheme
from devzone.evaluation.engine.tables import HEADER_ROWS, read_table
from devzone.evaluation.models import EvaluationResultRow, EvaluationRun

WINDOWS = {"政务服务中心": ["满意"] * 8 + ["基本满意"] * 2, "不动产登记中心": ["满意"] * 3 + ["不满意"] * 3,
           "税务大厅": ["满意"] * 5 + ["基本满意"] * 5}


def window_csv() -> bytes:
    lines = ["unit,period,rater,rating"]
    for unit, ratings in WINDOWS.items():
        lines += [f"{unit},2026-01/02,企业{i + 1},{rating}" for i, rating in enumerate(ratings)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def inspection_xlsx() -> bytes:
    scores = {"澜江区": [90, 85, 70, 88, 99, 60], "北湖区": [80, 82, 78], "新桥项目": [65, 70, 75, 95, 40]}
    rows = [{"unit": unit, "period": "2026-06", "rater": f"评委{i + 1}", "points": str(p)}
            for unit, points in scores.items() for i, p in enumerate(points)]
    buffer = io.BytesIO()
    pl.DataFrame(rows).write_excel(buffer)
    return buffer.getvalue()


def test_window_run_from_an_uploaded_csv(org, run_now, tmp_path):
    content = window_csv()
    run = run_now(org.city_user, scheme_key="window", year=2026, period="2026-01/02",
                  upload=services.Upload(name="双月评议.csv", content=content))
    assert run.source == EvaluationRun.Source.UPLOAD and run.input_name == "双月评议.csv"
    assert run.population.startswith("上传文件 双月评议.csv") and run.units == 3
    rows = {row.unit_key: row for row in EvaluationResultRow.objects.filter(run=run)}

    path = tmp_path / "same.csv"
    path.write_bytes(content)
    expected = evaluate(load_scheme("window"), read_table(path), first_row=HEADER_ROWS + 1).results
    for record in expected.iter_rows(named=True):
        row = rows[record["unit"]]
        assert math.isclose(row.score, record["score"]) and row.rank == record["rank"]
        assert row.flags == record["flags"] and row.explanation["raters"] == record["raters"]
    assert rows["政务服务中心"].rank == 1 and "red_flag" in rows["政务服务中心"].flag_keys
    assert "black_flag" in rows["不动产登记中心"].flag_keys  # last and 50 < 80
    assert rows["政务服务中心"].inputs == {}  # ratings are never stored per rater
    assert rows["政务服务中心"].group == "2026-01/02" and rows["政务服务中心"].region is None


def test_inspection_run_from_an_uploaded_xlsx_links_counties(org, run_now):
    run = run_now(org.admin, scheme_key="inspection", year=2026,
                  upload=services.Upload(name="观摩打分.xlsx", content=inspection_xlsx()))
    rows = {row.unit_key: row for row in EvaluationResultRow.objects.filter(run=run)}
    assert math.isclose(rows["澜江区"].score, (90 + 85 + 70 + 88) / 4)  # ≥ 5 raters: drop 99 and 60
    assert math.isclose(rows["北湖区"].score, 80.0)  # 3 raters: plain mean
    assert "last_place" in rows["新桥项目"].flag_keys or "last_place" in rows["北湖区"].flag_keys
    assert all(row.inputs == {} for row in rows.values())


def test_uploaded_county_units_are_placed_in_their_county(org, run_now, login):
    lines = ["county,period,signed_amount,projects_planned,projects_started,projects_due_production,"
             "projects_in_production,projects_due_efficiency,projects_efficient,investment_planned,"
             "investment_completed,problems_due,problems_closed_on_time,inspection_score"]
    lines.append("澜江区,2026-06,50000,20,15,10,8,6,5,100000,60000,30,28,88")
    lines.append("北湖区,2026-06,30000,20,10,10,5,6,2,100000,40000,30,20,75")
    run = run_now(org.city_user, scheme_key="county", year=2026,
                  upload=services.Upload(name="县区考核.csv", content="\n".join(lines).encode()))
    rows = {row.unit_key: row for row in EvaluationResultRow.objects.filter(run=run)}
    assert rows["澜江区"].region == org.county1 and rows["北湖区"].region == org.county2
    assert rows["澜江区"].inputs["signed_amount"] == 50000.0


@pytest.mark.parametrize(("name", "content", "fragment"), [
    ("scores.txt", b"unit,period\n", "不支持的文件类型"),
    ("scores.xlsx", b"unit,period,rater,rating\n", "不是有效的 .xlsx"),
    ("scores.csv", "unit,period,rating\n窗口,2026-01/02,满意\n".encode(), "缺少"),
    ("scores.csv", b"", "空"),
])
def test_unusable_files_are_refused_at_once(org, name, content, fragment):
    with pytest.raises(ValidationFailed, match=fragment) as caught:
        services.evaluation_run_create(actor=org.city_user, scheme_key="window", year=2026,
                                       upload=services.Upload(name=name, content=content))
    assert caught.value.details[0]["field"] == "file"
    assert not EvaluationRun.objects.exists()


def test_bad_values_fail_the_job_with_the_engines_row_message(org, django_capture_on_commit_callbacks):
    from devzone.core import jobs

    content = "unit,period,rater,rating\n窗口A,2026-01/02,企业1,满意\n窗口A,2026-01/02,企业2,很好\n".encode()
    with django_capture_on_commit_callbacks(execute=False):
        run = services.evaluation_run_create(actor=org.city_user, scheme_key="window", year=2026,
                                             upload=services.Upload(name="bad.csv", content=content))
    job = jobs.run_job(run.job_id)
    assert job.status == "failed" and "第3行" in job.message and "很好" in job.message
    assert not EvaluationResultRow.objects.filter(run=run).exists()
