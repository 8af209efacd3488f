"""Demo step: one-vote vetoes and published per-mu (亩均) evaluations of the last two data years.

The runs go through the same service and job as in the platform (`evaluation_run_create`, then the job is run
here instead of by a worker; the queued task finds it finished and does nothing). Deterministic for a scale:
the vetoes come from the step's own random stream and the engine is deterministic.
"""

from __future__ import annotations

from devzone.core import jobs
from devzone.core.models import Job
from devzone.demo.context import DemoContext
from devzone.demo.enterprises import DATA_YEARS
from devzone.evaluation import services
from devzone.evaluation.models import VetoRecord

VETO_SHARE = 0.005
VETO_REASONS = [
    (VetoRecord.Kind.SAFETY, "发生较大生产安全事故", "市应急管理局事故调查通报"),
    (VetoRecord.Kind.ENVIRONMENT, "发生较大突发环境事件", "市生态环境局行政处罚决定书"),
]


def build_evaluation(ctx: DemoContext) -> dict[str, int]:
    rng = ctx.rng("evaluation")
    industry = ctx.users["industry"]
    city = ctx.users["city"]
    years = DATA_YEARS[-2:]
    above = sorted((e for e in ctx.enterprises if e.above_size), key=lambda e: e.credit_code)
    vetoes = []
    for year in years:
        for enterprise in above:
            if rng.random() < VETO_SHARE:
                kind, reason, evidence = rng.choice(VETO_REASONS)
                vetoes.append(VetoRecord(enterprise=enterprise, year=year, kind=kind, reason=reason,
                                         evidence=evidence, created_by=industry))
    VetoRecord.objects.bulk_create(vetoes)
    rows = 0
    for year in years:
        run = services.evaluation_run_create(actor=city, scheme_key="mujun", year=year)
        job = jobs.run_job(run.job_id)
        if job is None or job.status != Job.Status.SUCCEEDED:
            raise RuntimeError(f"亩均评价 {year} 失败:{job.message if job else '作业未运行'}")
        run.refresh_from_db()
        services.evaluation_run_publish(actor=city, run=run)
        rows += run.units
    return {"evaluation_runs": len(years), "evaluation_results": rows, "vetoes": len(vetoes)}
