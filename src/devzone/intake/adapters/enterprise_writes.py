"""Writing validated enterprise rows, in the caller's transaction.

- `write_each`: row by row through devzone.enterprises.services (enterprise_create / enterprise_update /
  enterprise_year_save): model validation, jurisdiction, optimistic locking and one audit event per change.
- `write_bulk`: the same outcome for large files with executemany INSERT/UPDATE (adapters/bulk.py); every row
  was validated in memory by the adapter, jurisdiction included; intake.services records one audit event
  for the batch.

A clean row is {"credit_code", "existing": (id, region path) | None, "enterprise": {field: value},
"year", "figures": {field: value}, "source"}; only the fields the file filled are present, so a blank cell
never overwrites a stored value. Each returns counts: created, updated (something changed), unchanged.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from django.db.models import Max
from django.utils import timezone

from devzone.core.errors import DomainError
from devzone.enterprises import services as enterprise_services
from devzone.enterprises.models import Enterprise, EnterpriseYear
from devzone.intake.adapters.base import CommitContext, ValidRow
from devzone.intake.adapters.bulk import insert_rows, large_write, update_rows

CHUNK = 900  # keys per IN (...) query: under SQLite's historical 999-parameter limit
FOREIGN_KEYS = {"region", "zone", "industry"}
ENTERPRISE_FIELDS = [f.name for f in Enterprise._meta.concrete_fields
                     if f.name not in ("id", "credit_code", "created_at", "updated_at")]
DEFAULTS = {name: Enterprise._meta.get_field(name).get_default() for name in ENTERPRISE_FIELDS}
FIGURES = EnterpriseYear.FIGURE_FIELDS


def counts_of(outcome: dict[int, str]) -> dict[str, int]:
    counts = Counter(outcome.values())
    return {"created": counts["created"], "updated": counts["updated"], "unchanged": counts["unchanged"]}


def merged_sources(stored: dict | None, data: dict[str, Any]) -> dict:
    """Stored sources, with the file's 数据来源 recorded for each figure it filled."""
    if not data.get("source"):
        return dict(stored or {})
    return {**(stored or {}), **{key: data["source"] for key in data["figures"]}}


def changes_of(instance, data: dict[str, Any]) -> dict[str, Any]:
    """The entries of `data` that differ from a model instance (foreign keys compared by id)."""
    def differs(key: str, value) -> bool:
        if hasattr(value, "pk"):
            return getattr(instance, f"{key}_id") != value.pk
        return getattr(instance, key) != value

    return {key: value for key, value in data.items() if differs(key, value)}


# --- through the services ---------------------------------------------------------------------------------

def write_each(rows: Sequence[ValidRow], context: CommitContext) -> dict[str, int]:
    ids = [row.data["existing"][0] for row in rows if row.data["existing"]]
    current = Enterprise.objects.select_related("region", "zone__region").in_bulk(ids)
    outcome: dict[int, str] = {}
    for done, row in enumerate(rows, start=1):
        try:
            outcome[row.row] = _write_one(row.data, current, context.actor)
        except DomainError as exc:
            raise type(exc)(f"第 {row.row} 行:{exc.message}", details=exc.details) from exc
        if done % 100 == 0 or done == len(rows):
            context.report(done, len(rows))
    return counts_of(outcome)


def _write_one(data: dict[str, Any], current: dict[int, Enterprise], actor) -> str:
    outcome = "unchanged"
    if data["existing"] is None:
        enterprise = enterprise_services.enterprise_create(
            actor=actor, data={"credit_code": data["credit_code"], **data["enterprise"]})
        outcome = "created"
    else:
        enterprise = current[data["existing"][0]]
        changes = changes_of(enterprise, data["enterprise"])
        if changes:
            enterprise = enterprise_services.enterprise_update(actor=actor, enterprise=enterprise, data=changes)
            outcome = "updated"
    if data["figures"]:
        stored = EnterpriseYear.objects.filter(enterprise=enterprise, year=data["year"]).first()
        changes = changes_of(stored, data["figures"]) if stored else dict(data["figures"])
        sources = merged_sources(stored.sources if stored else {}, data)
        if changes or (stored is not None and sources != stored.sources):
            enterprise_services.enterprise_year_save(actor=actor, enterprise=enterprise,
                                                     data={"year": data["year"], **changes, "sources": sources})
            outcome = "created" if outcome == "created" else "updated"
    return outcome


# --- in bulk ----------------------------------------------------------------------------------------------

def _db(name: str, value):
    return value.pk if name in FOREIGN_KEYS and value is not None else value


def _column(name: str) -> str:
    return f"{name}_id" if name in FOREIGN_KEYS else name


def write_bulk(rows: Sequence[ValidRow], context: CommitContext) -> dict[str, int]:
    now = timezone.now()
    outcome: dict[int, str] = {}
    with large_write():
        ids = _insert_enterprises([r for r in rows if r.data["existing"] is None], now, outcome)
        context.report(len(ids), len(rows))
        ids.update(_update_enterprises([r for r in rows if r.data["existing"] is not None], now, outcome))
        context.report(len(rows), len(rows))
        _write_years([r for r in rows if r.data["figures"]], ids, now, outcome)
    return counts_of(outcome)


def _insert_enterprises(creates: list[ValidRow], now, outcome: dict[int, str]) -> dict[int, int]:
    names = ["credit_code", *ENTERPRISE_FIELDS, "created_at", "updated_at"]
    defaults = [DEFAULTS[n] for n in ENTERPRISE_FIELDS]
    positions = {n: i for i, n in enumerate(ENTERPRISE_FIELDS)}

    def values(row: ValidRow) -> list:
        line = [row.data["credit_code"], *defaults, now, now]
        for name, value in row.data["enterprise"].items():
            line[positions[name] + 1] = value.pk if name in FOREIGN_KEYS else value
        return line

    last_id = Enterprise.objects.aggregate(last=Max("pk"))["last"] or 0
    insert_rows(Enterprise, names, (values(row) for row in creates))
    # one query for the new ids: rows above the previous maximum, matched by their (unique) credit code
    by_code = dict(Enterprise.objects.filter(pk__gt=last_id).values_list("credit_code", "pk"))
    missing = [row.data["credit_code"] for row in creates if row.data["credit_code"] not in by_code]
    for start in range(0, len(missing), CHUNK):  # ids below the old maximum (a sequence reset by hand)
        by_code.update(Enterprise.objects.filter(credit_code__in=missing[start:start + CHUNK])
                       .values_list("credit_code", "pk"))
    for row in creates:
        outcome[row.row] = "created"
    return {row.row: by_code[row.data["credit_code"]] for row in creates}


def _update_enterprises(updates: list[ValidRow], now, outcome: dict[int, str]) -> dict[int, int]:
    groups: dict[tuple[str, ...], list[tuple]] = defaultdict(list)
    for start in range(0, len(updates), CHUNK):
        chunk = updates[start:start + CHUNK]
        names = sorted(set().union(*(row.data["enterprise"] for row in chunk)))
        current = {r["pk"]: r for r in Enterprise.objects.filter(pk__in=[row.data["existing"][0] for row in chunk])
                   .values("pk", *(_column(n) for n in names))}
        for row in chunk:
            stored = current[row.data["existing"][0]]
            changes = {n: _db(n, v) for n, v in row.data["enterprise"].items() if stored[_column(n)] != _db(n, v)}
            outcome[row.row] = "updated" if changes else "unchanged"
            if changes:
                keys = tuple(sorted(changes))
                groups[keys].append((*(changes[k] for k in keys), now, stored["pk"]))
    for keys, params in groups.items():
        update_rows(Enterprise, [*keys, "updated_at"], params)
    return {row.row: row.data["existing"][0] for row in updates}


def _write_years(rows: list[ValidRow], ids: dict[int, int], now, outcome: dict[int, str]) -> None:
    inserts: list[tuple] = []
    groups: dict[tuple[str, ...], list[tuple]] = defaultdict(list)
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start:start + CHUNK]
        known = [ids[row.row] for row in chunk if outcome[row.row] != "created"]  # new enterprises have no years
        stored = {(r["enterprise_id"], r["year"]): r for r in EnterpriseYear.objects.filter(
            enterprise_id__in=known, year__in={row.data["year"] for row in chunk})
            .values("pk", "enterprise_id", "year", "sources", *FIGURES)} if known else {}
        for row in chunk:
            key, figures = (ids[row.row], row.data["year"]), row.data["figures"]
            current = stored.get(key)
            if current is None:
                inserts.append((*key, *(figures.get(f) for f in FIGURES), merged_sources({}, row.data), now, now))
            else:
                changes = {f: v for f, v in figures.items() if current[f] != v}
                sources = merged_sources(current["sources"], row.data)
                if not changes and sources == current["sources"]:
                    continue
                keys = tuple(sorted(changes))
                groups[keys].append((*(changes[k] for k in keys), sources, now, current["pk"]))
            if outcome[row.row] == "unchanged":
                outcome[row.row] = "updated"
    insert_rows(EnterpriseYear, ["enterprise", "year", *FIGURES, "sources", "created_at", "updated_at"], inserts)
    for keys, params in groups.items():
        update_rows(EnterpriseYear, [*keys, "sources", "updated_at"], params)
