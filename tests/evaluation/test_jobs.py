"""A run end to end through the "evaluation.run" job: rows equal the engine's own results, explanations equal
`explain()`, a failure writes nothing, a retry takes the run over."""

from __future__ import annotations

import math

import pytest

from devzone.core import jobs
from devzone.core.errors import PermissionDenied, ValidationFailed
from devzone.core.models import AuditEvent, Job
from devzone.evaluation import services
from devzone.evaluation.engine import evaluate, load_scheme
from devzone.evaluation.models import EvaluationResultRow, EvaluationRun
from devzone.evaluation.population import enterprise_population

YEAR = 2025


def _close(a, b) -> bool:
    if a is None or b is None:
        return a is b
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


def test_run_through_the_job_equals_the_engine(org, mujun_city, run_now):
    run = run_now(org.city_user)
    assert run.job.status == Job.Status.SUCCEEDED and run.job.progress == 100
    assert run.source == EvaluationRun.Source.DATABASE and run.scope_region == org.city
    assert "规上工业企业 14 家" in run.population

    scheme = load_scheme("mujun")
    expected = evaluate(scheme, enterprise_population(year=YEAR, region=org.city))
    table = {row["credit_code"]: row for row in expected.results.iter_rows(named=True)}
    rows = {row.unit_key: row for row in EvaluationResultRow.objects.filter(run=run)}
    assert set(rows) == set(table)
    assert run.units == 14 and run.participants == 12
    for code, row in rows.items():
        want = table[code]
        assert row.participates == want["participates"]
        assert _close(row.score, want["score"]) and row.rank == want["rank"]
        assert row.klass == (want["class"] or "") and row.flags == want["flags"]
        for indicator in scheme.indicators:
            assert _close(row.scores[indicator.key], want[f"score_{indicator.key}"])
        extra = want["tax_to_next_class"]
        assert (row.tax_to_next_class is None) == (extra is None)
        if extra is not None:
            assert abs(float(row.tax_to_next_class) - extra) < 0.005

        explained = expected.explain(code)
        stored = row.explanation
        assert stored["n"] == explained["n"] and stored["class_label"] == explained["class_label"]
        assert stored["flags"] == explained["flags"]
        assert stored["lever"]["extra"] == explained["lever"]["extra"]
        for mine, theirs in zip(stored["indicators"], explained["indicators"], strict=True):
            assert set(mine) == set(theirs)
            for key in theirs:
                assert _close(mine[key], theirs[key]), (code, theirs["key"], key)
        for mine, theirs in zip(stored["categories"], explained["categories"], strict=True):
            assert mine["key"] == theirs["key"] and _close(mine["score"], theirs["score"])

    vetoed = rows[mujun_city.vetoed.credit_code]
    assert vetoed.klass == "D" and "override:veto" in vetoed.flag_keys and vetoed.tax_to_next_class is None
    young = rows[mujun_city.young.credit_code]
    assert not young.participates and young.score is None and young.inputs["years_in_production"] == 2
    assert young.enterprise == mujun_city.young and young.region == org.county1
    assert rows[mujun_city.county1[-1].credit_code].region == org.county1  # township → county
    assert rows[mujun_city.county2[0].credit_code].group == "北湖区"
    summary = {g["group"]: g for g in run.group_summary}
    assert summary["澜江区"]["units"] == 8 and summary["澜江区"]["participants"] == 7
    assert summary["北湖区"]["participants"] == 5
    assert AuditEvent.objects.filter(action="evaluate", object_id=str(run.pk)).exists()


def test_a_failing_run_writes_nothing_and_a_retry_takes_over(org, mujun_city, run_now, monkeypatch,
                                                             django_capture_on_commit_callbacks):
    from devzone.evaluation import jobs as evaluation_jobs

    with django_capture_on_commit_callbacks(execute=False):
        run = services.evaluation_run_create(actor=org.city_user, scheme_key="mujun", year=YEAR)
    real_bulk_create = EvaluationResultRow.objects.bulk_create

    def explode(rows, batch_size=None):
        real_bulk_create(rows[:3])
        raise RuntimeError("disk full")

    monkeypatch.setattr(evaluation_jobs.EvaluationResultRow.objects, "bulk_create", explode)
    job = jobs.run_job(run.job_id)
    assert job.status == Job.Status.FAILED and "disk full" in job.message
    assert not EvaluationResultRow.objects.filter(run=run).exists()  # the partial write was rolled back
    run.refresh_from_db()
    assert run.units == 0 and run.computed_at is None
    with pytest.raises(Exception, match="尚未成功"):
        services.evaluation_run_publish(actor=org.city_user, run=run)

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=False):
        again = jobs.job_retry(actor=org.city_user, job=job)
    jobs.run_job(again.pk)
    run.refresh_from_db()
    assert run.job_id == again.pk and run.succeeded and run.units == 14
    assert EvaluationResultRow.objects.filter(run=run).count() == 14


def test_bad_registry_data_names_the_enterprise(org, mujun_city, django_capture_on_commit_callbacks):
    from devzone.enterprises.models import EnterpriseYear

    bad = mujun_city.county2[1]
    EnterpriseYear.objects.filter(enterprise=bad, year=YEAR).update(revenue=-5)
    with django_capture_on_commit_callbacks(execute=False):
        run = services.evaluation_run_create(actor=org.city_user, scheme_key="mujun", year=YEAR)
    job = jobs.run_job(run.job_id)
    assert job.status == Job.Status.FAILED
    assert bad.name in job.message or bad.name in job.log
    assert not EvaluationResultRow.objects.filter(run=run).exists()


def test_a_year_without_data_fails_readably(org, mujun_city, run_now, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        run = services.evaluation_run_create(actor=org.city_user, scheme_key="mujun", year=2001)
    job = jobs.run_job(run.job_id)
    assert job.status == Job.Status.FAILED and "2001 年没有可评价的企业" in job.message


def test_county_run_covers_its_county_only(org, mujun_city, run_now):
    from devzone.core import services as core_services
    from devzone.core.models import Role

    officer = core_services.user_create(actor=None, username="county_office", password=None,
                                        roles=[Role.Code.PROJECT_OFFICE], region=org.county2)
    run = run_now(officer)
    assert run.scope_region == org.county2
    assert set(EvaluationResultRow.objects.filter(run=run).values_list("group", flat=True)) == {"北湖区"}


def test_who_may_start_a_run(org, mujun_city):
    for user in (org.county1_user, org.observer):
        with pytest.raises(PermissionDenied):
            services.evaluation_run_create(actor=user, scheme_key="mujun", year=YEAR)
    with pytest.raises(ValidationFailed, match="未知的评价方案"):
        services.evaluation_run_create(actor=org.admin, scheme_key="nope", year=YEAR)
    with pytest.raises(ValidationFailed, match="请上传"):
        services.evaluation_run_create(actor=org.admin, scheme_key="window", year=YEAR)
    assert services.evaluation_run_create(actor=org.industry_user, scheme_key="mujun", year=YEAR).pk


def test_rows_of_a_single_group_evaluation_match_explain(org, mujun_city):
    """With no grouping, the one group's statistics apply to every row (the cross-join path)."""
    from devzone.evaluation.jobs import result_rows

    scheme = load_scheme("mujun")
    frame = enterprise_population(year=YEAR)
    result = evaluate(scheme, frame, group_by=[])
    rows = result_rows(EvaluationRun(scheme_key="mujun", year=YEAR), scheme, result, frame)
    assert len(rows) == frame.height and {row.group for row in rows} == {""}
    for row in rows:
        explained = result.explain(row.unit_key)
        assert row.n == explained["n"] == 12
        for mine, theirs in zip(row.explanation["indicators"], explained["indicators"], strict=True):
            assert _close(mine["benchmark"], theirs["benchmark"]) and _close(mine["score"], theirs["score"])
