"""Writing a large validated project ledger in the caller's transaction (the import's bulk path).

The adapter (projects/imports.py) has already checked every row in memory the way the services would:
jurisdiction (the lookups only hold the user's regions and zones, and `ensure_can_write` runs here once per
region), codes unique, zone inside region, amounts non-negative, total not below what is reported, the
month's cumulative investment within the total and image progress never going backwards. What the services
write row by row is written here with executemany (intake/adapters/bulk.py): new projects entering the ledger
at 谋划储备 with their verified planned stage and stage event, changed fields of existing projects, year
plans, and the month's progress reports submitted for approval. intake.services records one audit event for
the batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Max
from django.utils import timezone

from devzone.core.services import ensure_can_write
from devzone.intake.adapters.base import CommitContext, ValidRow
from devzone.intake.adapters.bulk import db_value, insert_rows, large_write, update_rows
from devzone.projects.models import ProgressReport, Project, ProjectStage, ProjectYearPlan, Stage, StageEvent

CHUNK = 900
FOREIGN_KEYS = {"region", "zone", "owner", "industry", "leader", "responsible_unit", "service_officer"}
PROJECT_FIELDS = [f.name for f in Project._meta.concrete_fields if f.name not in ("id", "created_at", "updated_at")]
DEFAULTS = {name: Project._meta.get_field(name).get_default() for name in PROJECT_FIELDS}


def write_bulk(rows: Sequence[ValidRow], context: CommitContext, *, year: int) -> dict[str, int]:
    actor, now, today = context.actor, timezone.now(), timezone.localdate()
    for region in {row.data["data"]["region"] for row in rows if "region" in row.data["data"]}:
        ensure_can_write(actor, region)
    with large_write():
        creates = [row for row in rows if row.data["project"] is None]
        ids = _insert_projects(creates, actor, now, today)
        context.report(len(creates), len(rows))
        updated = _update_projects([row for row in rows if row.data["project"] is not None], now)
        ids.update({row.row: row.data["project"].pk for row in rows if row.data["project"] is not None})
        _write_year_plans(rows, ids, {row.row for row in creates}, year, now)
        reports = _insert_reports([row for row in rows if row.data["progress"]], ids, actor, now)
        context.report(len(rows), len(rows))
    return {"created": len(creates), "updated": updated, "reports": reports}


def _column(name: str, value: Any) -> Any:
    return value.pk if name in FOREIGN_KEYS and value is not None else value


def _project_key(code: str, name: str, owner: str) -> tuple[str, ...]:
    return ("code", code) if code else ("name", name, owner)


def _insert_projects(creates: list[ValidRow], actor, now: datetime, today: date) -> dict[int, int]:
    names = [*PROJECT_FIELDS, "created_at", "updated_at"]
    positions = {name: i for i, name in enumerate(PROJECT_FIELDS)}
    base = [DEFAULTS[name] for name in PROJECT_FIELDS]
    stamp = db_value(Project, "created_at", now)
    dates = [name for name in PROJECT_FIELDS if DEFAULTS[name] is None
             and Project._meta.get_field(name).get_internal_type() in ("DateField", "DateTimeField")]

    def values(row: ValidRow) -> list:
        line = [*base, stamp, stamp]
        for name, value in row.data["data"].items():
            line[positions[name]] = _column(name, value)
        return line

    last_id = Project.objects.aggregate(last=Max("pk"))["last"] or 0
    insert_rows(Project, names, (values(row) for row in creates), prepared={*dates, "created_at", "updated_at"})
    # one query for the new ids: rows above the previous maximum, by code or by name and owner (unique in the file)
    found = {_project_key(code, name, owner): pk for pk, code, name, owner in
             Project.objects.filter(pk__gt=last_id).values_list("pk", "code", "name", "owner_name")}
    ids = {row.row: found[_project_key(row.data["data"].get("code", ""), row.data["data"]["name"],
                                       row.data["data"].get("owner_name", ""))] for row in creates}
    new_ids = list(ids.values())
    day, stamp = db_value(ProjectStage, "actual_date", today), db_value(ProjectStage, "declared_at", now)
    insert_rows(ProjectStage, ["project", "stage", "actual_date", "status", "note", "declared_by", "declared_at",
                               "verified_by", "verified_at", "return_reason"],
                ((pk, Stage.PLANNED, day, ProjectStage.Status.VERIFIED, "", actor.pk, stamp, actor.pk, stamp, "")
                 for pk in new_ids), prepared={"actual_date", "declared_at", "verified_at"})
    insert_rows(StageEvent, ["project", "action", "stage", "on", "actor", "created_at", "note"],
                ((pk, StageEvent.Action.ENTER, Stage.PLANNED, day, actor.pk, stamp, "导入台账") for pk in new_ids),
                prepared={"on", "created_at"})
    return ids


def _update_projects(updates: list[ValidRow], now: datetime) -> int:
    """Changed fields only, grouped by the set of fields that change (one statement per group)."""
    groups: dict[tuple[str, ...], list[list]] = {}
    for row in updates:
        project, data = row.data["project"], row.data["data"]
        changed = {name: value for name, value in data.items()
                   if getattr(project, f"{name}_id" if name in FOREIGN_KEYS else name)
                   != _column(name, value)}
        if not changed:
            continue
        names = tuple(sorted(changed))
        groups.setdefault(names, []).append([*(_column(n, changed[n]) for n in names), now, project.pk])
    for names, lines in groups.items():
        update_rows(Project, [*names, "updated_at"], lines)
    return sum(len(lines) for lines in groups.values())


def _write_year_plans(rows: Sequence[ValidRow], ids: dict[int, int], new_rows: set[int], year: int,
                      now: datetime) -> None:
    """New plans inserted, existing ones (only projects that were already there can have one) updated."""
    wanted = {ids[row.row]: row.data["year_plan"] for row in rows if row.data["year_plan"] is not None}
    existing: dict[int, int] = {}
    keys = [ids[row.row] for row in rows if row.data["year_plan"] is not None and row.row not in new_rows]
    for start in range(0, len(keys), CHUNK):
        existing.update(ProjectYearPlan.objects.filter(project_id__in=keys[start:start + CHUNK], year=year)
                        .values_list("project_id", "pk"))
    stamp = db_value(ProjectYearPlan, "created_at", now)
    insert_rows(ProjectYearPlan, ["project", "year", "planned_investment", "created_at", "updated_at"],
                ((pk, year, amount, stamp, stamp) for pk, amount in wanted.items() if pk not in existing),
                prepared={"created_at", "updated_at"})
    update_rows(ProjectYearPlan, ["planned_investment", "updated_at"],
                ([amount, now, existing[pk]] for pk, amount in wanted.items() if pk in existing))


def _insert_reports(rows: list[ValidRow], ids: dict[int, int], actor, now: datetime) -> int:
    stamp = db_value(ProgressReport, "created_at", now)
    periods: dict[date, Any] = {}  # a file reports one month: adapt it once

    def values(row: ValidRow) -> tuple:
        progress = row.data["progress"]
        month = progress["period"]
        if month not in periods:
            periods[month] = db_value(ProgressReport, "period", month)
        amount = Decimal(progress["investment_month"]).quantize(Decimal("0.01"))
        return (ids[row.row], periods[month], amount, progress["image_progress"], progress["image_percent"],
                progress["problems"], ProgressReport.Status.SUBMITTED, actor.pk, stamp, "", stamp, stamp)

    return insert_rows(ProgressReport, ["project", "period", "investment_month", "image_progress", "image_percent",
                                        "problems", "status", "submitted_by", "submitted_at", "return_reason",
                                        "created_at", "updated_at"], (values(row) for row in rows),
                       prepared={"period", "submitted_at", "created_at", "updated_at"})
