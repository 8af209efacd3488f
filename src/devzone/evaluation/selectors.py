"""Reads of evaluation runs and results, scoped by role and jurisdiction.

- A run that is not published is seen only by evaluation managers (project office, industry bureau,
  administrators); a published run is seen by every signed-in user.
- Result rows are scoped by jurisdiction whoever reads them: a row placed in a county (the enterprise's county,
  or the county a county-level unit names) is seen by users whose jurisdiction covers that county. A row that
  is not placed anywhere is a public ranking when the unit is not an enterprise (service windows, inspected
  projects); an unplaced enterprise (an uploaded code that is not in the registry) is seen only by users whose
  jurisdiction covers the run's whole population.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Count, Q, QuerySet

from devzone.core.jurisdiction import get_in_scope, scope_for
from devzone.core.listing import apply_sort
from devzone.core.models import User
from devzone.enterprises.models import Enterprise, Industry
from devzone.evaluation.engine import builtin_scheme_names
from devzone.evaluation.models import EvaluationResultRow, EvaluationRun, PolicyRule, SchemeVersion, VetoRecord
from devzone.evaluation.services import can_manage

RUN_SORTS = {"created": "created_at", "year": "year", "scheme": "scheme_key", "units": "units",
             "published": "published_at"}
RESULT_SORTS = {"rank": "rank", "score": "score", "name": "unit_name", "unit": "unit_key", "group": "group",
                "class": "klass", "industry": "industry_division", "tax": "tax_to_next_class"}
UNCLASSIFIED = "未分类"


# --- runs ------------------------------------------------------------------------------------------------

def run_queryset(*, user: User) -> QuerySet[EvaluationRun]:
    qs = EvaluationRun.objects.select_related("job", "created_by", "published_by", "scope_region")
    if not (user.is_authenticated and user.is_active):
        return qs.none()
    return qs if can_manage(user) else qs.filter(published=True)


def run_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[EvaluationRun]:
    filters = filters or {}
    qs = run_queryset(user=user).defer("scheme_yaml", "group_summary")
    if filters.get("scheme"):
        qs = qs.filter(scheme_key=filters["scheme"])
    if filters.get("year"):
        qs = qs.filter(year=filters["year"])
    if filters.get("published") in ("yes", True):
        qs = qs.filter(published=True)
    elif filters.get("published") in ("no", False):
        qs = qs.filter(published=False)
    if filters.get("status"):
        qs = qs.filter(job__status=filters["status"])
    return apply_sort(qs, filters.get("sort"), RUN_SORTS, default=("-created_at",))


def run_get(*, user: User, run_id: int) -> EvaluationRun:
    return get_in_scope(run_queryset(user=user), pk=run_id)


def scheme_keys_in_use() -> list[str]:
    return sorted(set(EvaluationRun.objects.values_list("scheme_key", flat=True).distinct()))


# --- result rows -----------------------------------------------------------------------------------------

def row_scope_q(user: User) -> Q:
    scope = scope_for(user)
    if scope.unrestricted:
        return Q()
    if scope.empty:
        return Q(pk__in=[])
    placed = Q(region__path__startswith=scope.region_path)
    unplaced = Q(region__isnull=True) & (~Q(run__unit="enterprise")
                                         | Q(run__scope_region__path__startswith=scope.region_path))
    return placed | unplaced


def result_queryset(*, user: User, run: EvaluationRun) -> QuerySet[EvaluationResultRow]:
    """The rows of `run` the user may see (the run itself must come from `run_get`)."""
    return (EvaluationResultRow.objects.filter(run=run).filter(row_scope_q(user))
            .select_related("region", "enterprise").defer("explanation", "inputs", "values", "benchmarks"))


def result_list(*, user: User, run: EvaluationRun,
                filters: Mapping[str, Any] | None = None) -> QuerySet[EvaluationResultRow]:
    """Rows filtered by county, class, industry division, participation (default: participants) and q."""
    filters = filters or {}
    qs = result_queryset(user=user, run=run)
    participates = filters.get("participates") or "yes"
    if participates in ("yes", True):
        qs = qs.filter(participates=True)
    elif participates in ("no", False):
        qs = qs.filter(participates=False)
    if filters.get("county"):
        qs = qs.filter(region_id=filters["county"])
    if filters.get("group"):
        qs = qs.filter(group=filters["group"])
    if filters.get("klass"):
        qs = qs.filter(klass=filters["klass"])
    if filters.get("industry"):
        qs = qs.filter(industry_division__startswith=filters["industry"])
    if filters.get("q"):
        term = str(filters["q"]).strip()
        qs = qs.filter(Q(unit_name__icontains=term) | Q(unit_key__startswith=term.upper()) | Q(unit_key=term))
    if filters.get("flag"):
        qs = qs.filter(flags__contains=filters["flag"])
    return apply_sort(qs, filters.get("sort"), RESULT_SORTS, default=("group", "rank", "unit_key"))


def result_get(*, user: User, run: EvaluationRun, row_id: int) -> EvaluationResultRow:
    qs = (EvaluationResultRow.objects.filter(run=run).filter(row_scope_q(user))
          .select_related("region", "enterprise", "enterprise__industry"))
    return get_in_scope(qs, pk=row_id)


def visible_groups(*, user: User, run: EvaluationRun) -> list[dict[str, Any]]:
    """The run's group summaries for the groups the user has rows in (all of them for a city-wide user)."""
    if scope_for(user).unrestricted:
        return list(run.group_summary)
    seen = set(result_queryset(user=user, run=run).order_by().values_list("group", flat=True).distinct())
    return [summary for summary in run.group_summary if summary.get("group") in seen]


def class_distribution(*, user: User, run: EvaluationRun, by: str = "group") -> dict[str, Any]:
    """Stacked-bar data: per county (group) or industry division, how many participants fall in each class."""
    field = "industry_division" if by == "industry" else "group"
    counts = (result_queryset(user=user, run=run).filter(participates=True).order_by()
              .values(field, "klass").annotate(count=Count("pk")))
    table: dict[str, dict[str, int]] = {}
    for row in counts:
        table.setdefault(row[field] or "", {})[row["klass"]] = row["count"]
    keys = sorted(table)
    labels = keys
    if by == "industry":
        names = dict(Industry.objects.filter(code__in=[k for k in keys if k]).values_list("code", "name"))
        labels = [f"{k} {names.get(k, '')}".strip() if k else UNCLASSIFIED for k in keys]
    levels = run.scheme.classes.levels if run.scheme.classes else ()
    series = [{"name": f"{level.key} {level.label}", "key": level.key,
               "data": [table[k].get(level.key, 0) for k in keys]} for level in levels]
    return {"categories": labels, "keys": keys, "series": series}


def industry_choices(*, run: EvaluationRun) -> list[tuple[str, str]]:
    """Industry divisions present in the run, with their names (two queries)."""
    codes = sorted(c for c in EvaluationResultRow.objects.filter(run=run).order_by()
                   .values_list("industry_division", flat=True).distinct() if c)
    names = dict(Industry.objects.filter(code__in=codes).values_list("code", "name"))
    return [(code, f"{code} {names.get(code, '')}".strip()) for code in codes]


def group_choices(*, user: User, run: EvaluationRun) -> list[str]:
    return sorted(set(result_queryset(user=user, run=run).order_by().values_list("group", flat=True).distinct()))


# --- an enterprise across runs ---------------------------------------------------------------------------

def enterprise_for_history(*, user: User, enterprise_id: int) -> Enterprise:
    qs = Enterprise.objects.filter(scope_for(user).region_q()).select_related("region", "industry")
    return get_in_scope(qs, pk=enterprise_id)


def rank_history(*, user: User, enterprise: Enterprise, scheme_key: str) -> list[EvaluationResultRow]:
    """The enterprise's rows in published runs of the scheme, one per year (the latest published run wins)."""
    rows = (EvaluationResultRow.objects.filter(enterprise=enterprise, run__scheme_key=scheme_key,
                                               run__published=True)
            .filter(row_scope_q(user)).select_related("run")
            .defer("explanation", "inputs", "values", "benchmarks", "run__scheme_yaml", "run__group_summary")
            .order_by("run__year", "run__published_at", "run__pk"))
    by_year: dict[int, EvaluationResultRow] = {}
    for row in rows:
        by_year[row.run.year] = row
    return [by_year[year] for year in sorted(by_year)]


def history_schemes(*, user: User, enterprise: Enterprise) -> list[tuple[str, str]]:
    pairs = (EvaluationResultRow.objects.filter(enterprise=enterprise, run__published=True)
             .filter(row_scope_q(user)).order_by().values_list("run__scheme_key", "run__scheme_name").distinct())
    return sorted(set(pairs))


# --- schemes, policies, vetoes ---------------------------------------------------------------------------

def scheme_versions(*, key: str | None = None) -> QuerySet[SchemeVersion]:
    qs = SchemeVersion.objects.select_related("created_by").defer("yaml_text")
    return qs.filter(key=key) if key else qs


def scheme_version_get(*, version_id: int) -> SchemeVersion:
    return get_in_scope(SchemeVersion.objects.select_related("created_by"), pk=version_id)


def scheme_labels() -> list[tuple[str, str]]:
    """(key, name) of every scheme a run can use: built-in ones and database copies (one query)."""
    import yaml

    from devzone.evaluation.services import builtin_yaml

    names: dict[str, str] = {}
    for key in builtin_scheme_names():
        data = yaml.safe_load(builtin_yaml(key) or "") or {}
        names[key] = str(data.get("name") or key)
    for key, name in SchemeVersion.objects.filter(active=True).values_list("key", "name"):
        names[key] = name  # the active copy replaces the built-in scheme, or adds a new one
    return [(key, f"{names[key]}({key})") for key in sorted(names, key=lambda k: (k != "mujun", k))]


# --- labels for display ----------------------------------------------------------------------------------

def flag_label(scheme, key: str) -> str:
    """A machine flag key of the engine (DECISIONS 0002) in words."""
    from django.utils.translation import gettext as _

    kind, _sep, target = key.partition(":")
    names = {indicator.key: indicator.name for indicator in scheme.indicators}
    if kind == "excluded":
        return _("not participating")
    if kind == "undefined":
        return _("%(indicator)s cannot be computed (scored 0)") % {"indicator": names.get(target, target)}
    if kind == "benchmark_undefined":
        return _("no benchmark for %(indicator)s") % {"indicator": names.get(target, target)}
    if kind == "benchmark_nonpositive":
        return _("benchmark of %(indicator)s not positive") % {"indicator": names.get(target, target)}
    if kind == "override":
        labels = {override.key: override.label for override in scheme.overrides}
        return labels.get(target, target)
    labels = {flag.key: flag.label for flag in scheme.flags}
    return labels.get(key, key)


def flag_labels(scheme, flags: str) -> list[str]:
    return [flag_label(scheme, key) for key in flags.split(";") if key]


def class_labels(scheme) -> dict[str, str]:
    return {level.key: level.label for level in scheme.classes.levels} if scheme.classes else {}


def population_reason(scheme, inputs: dict) -> str:
    """Why a unit does not take part: the values of the columns the population rule reads."""
    if scheme.population is None:
        return ""
    parts = []
    for column in sorted(scheme.population.columns):
        spec = scheme.inputs.get(column)
        label = spec.label if spec is not None and spec.label else column
        value = inputs.get(column)
        parts.append(f"{label}:{'—' if value is None else _number(value)}")
    return ";".join(parts)


def _number(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def policies(*, scheme_key: str, class_key: str | None = None) -> QuerySet[PolicyRule]:
    qs = PolicyRule.objects.filter(scheme_key=scheme_key)
    if class_key is not None:
        qs = qs.filter(class_key=class_key)
    return qs.order_by("class_key", "sort_order", "pk")


def veto_queryset(*, user: User) -> QuerySet[VetoRecord]:
    return VetoRecord.objects.filter(scope_for(user).region_q("enterprise__region")).select_related(
        "enterprise", "enterprise__region", "created_by")


def veto_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[VetoRecord]:
    filters = filters or {}
    qs = veto_queryset(user=user)
    if filters.get("year"):
        qs = qs.filter(year=filters["year"])
    if filters.get("q"):
        term = str(filters["q"]).strip()
        qs = qs.filter(Q(enterprise__name__icontains=term) | Q(enterprise__credit_code__startswith=term.upper()))
    return qs.order_by("-year", "enterprise__name", "pk")


def veto_get(*, user: User, veto_id: int) -> VetoRecord:
    return get_in_scope(veto_queryset(user=user), pk=veto_id)


def enterprise_by_code(*, user: User, credit_code: str) -> Enterprise:
    qs = Enterprise.objects.filter(scope_for(user).region_q()).select_related("region")
    return get_in_scope(qs, credit_code=credit_code.strip().upper())
