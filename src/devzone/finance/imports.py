"""The financing-needs adapter of the Excel import (devzone.intake): one need per row.

    统一社会信用代码 | 企业名称 | 项目编号 | 融资需求金额(万元) | 融资用途 | 期限(月) | 提出日期 | 备注
The enterprise is found by its credit code in the user's jurisdiction (the name is only a check); a project may
be named by its code. A row whose enterprise, date and purpose match a need already registered updates that
need's amount, term and note; other rows register new needs. Rows are written through
`finance.services` (validation, jurisdiction, audit per need); any failure at commit rolls back the whole file.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from devzone.core.errors import DomainError
from devzone.core.jurisdiction import scope_for
from devzone.enterprises.models import Enterprise
from devzone.finance import services
from devzone.finance.models import FinancingNeed
from devzone.intake.adapters.base import Adapter, CommitContext, ExportTable, Field, FileHints, RowInput, ValidRow
from devzone.intake.adapters.enterprises import parse_credit_code
from devzone.intake.registry import register
from devzone.projects.models import Project

CENT = Decimal("0.01")


def cents(value: Decimal | None) -> Decimal | None:
    """万元 with two decimals (a figure given in 元 converts to more places)."""
    return None if value is None else value.quantize(CENT, rounding=ROUND_HALF_UP)


STATUS_LABELS = {"open": "待对接", "matched": "已对接", "met": "已满足", "withdrawn": "已撤回"}

NEED_FIELDS: tuple[Field, ...] = (
    Field("credit_code", "统一社会信用代码", ("信用代码", "社会信用代码", "统一代码"), required=True,
          parser=parse_credit_code, export_width=22),
    Field("enterprise_name", "企业名称", ("企业", "单位名称", "申请企业", "融资主体"), export_width=30),
    Field("project_code", "项目编号", ("项目代码",), export_width=14),
    Field("region", "所属县区", ("县区", "地区"), export_width=12),
    Field("amount", "融资需求金额", ("需求金额", "融资金额", "融资需求", "拟融资金额"), kind="money", required=True),
    Field("purpose", "融资用途", ("用途", "资金用途"), required=True, max_length=200, export_width=24),
    Field("term_months", "期限(月)", ("融资期限", "期限", "贷款期限(月)"), kind="integer",
          required=True, export_width=10),
    Field("raised_on", "提出日期", ("需求提出日期", "日期", "登记日期"), kind="date", required=True, export_width=12),
    Field("status", "状态", ("对接状态",), kind="choice",
          choices={**{label: value for value, label in STATUS_LABELS.items()}, **{v: v for v in STATUS_LABELS}},
          export_width=10),
    Field("granted", "已放款金额", ("放款金额", "已获贷款"), kind="money"),
    Field("note", "备注", ("说明",), export_width=24),
)


@register
class FinancingNeedAdapter(Adapter):
    kind = "financing-needs"
    title = "融资需求"
    description = ("企业、项目的融资需求:按统一社会信用代码找到企业,同一企业、提出日期和用途的需求视为已登记"
                   "(更新金额、期限和备注),其余新增;“状态”“已放款金额”两列仅供导出查看")
    fields = NEED_FIELDS
    label_fields = ("enterprise_name", "credit_code")
    preview_fields = ("credit_code", "enterprise_name", "amount", "purpose", "term_months", "raised_on")
    list_url_name = "finance:needs"

    def prepare(self, rows: Sequence[RowInput], hints: FileHints) -> None:
        super().prepare(rows, hints)
        scope = scope_for(self.actor)
        codes = {row.values["credit_code"] for row in rows if row.values.get("credit_code")}
        self.enterprises = {e.credit_code: e for e in Enterprise.objects.filter(credit_code__in=codes)
                            .filter(scope.region_q()).select_related("region", "zone")}
        project_codes = {row.values["project_code"] for row in rows if row.values.get("project_code")}
        self.projects = {p.code: p for p in Project.objects.filter(code__in=project_codes).filter(scope.region_q())
                         .select_related("region", "zone")}
        self.existing = {(n.enterprise_id, n.raised_on, n.purpose): n for n in FinancingNeed.objects.filter(
            enterprise__in=list(self.enterprises.values()))}
        self.seen: dict[tuple, int] = {}

    def validate_row(self, row: RowInput) -> dict[str, Any] | list[str]:
        values, reasons = row.values, []
        if any(values.get(f.key) is None for f in self.required_fields()):
            return []  # the pipeline has already rejected the row, naming the empty or unreadable cells
        enterprise = self.enterprises.get(values.get("credit_code") or "")
        if enterprise is None:
            return [f"统一社会信用代码 {values.get('credit_code')} 的企业未登记,或不在您的管辖范围内"]
        name = values.get("enterprise_name")
        if name and name != enterprise.name:
            reasons.append(f"企业名称「{name}」与信用代码登记的「{enterprise.name}」不一致")
        project = None
        if values.get("project_code"):
            project = self.projects.get(values["project_code"])
            if project is None:
                reasons.append(f"项目编号 {values['project_code']} 不存在或不在您的管辖范围内")
        amount, term = cents(values.get("amount")), values.get("term_months")
        if amount is not None and amount <= 0:
            reasons.append("融资需求金额应大于 0")
        if term is not None and not 1 <= term <= 360:
            reasons.append("期限应在 1–360 个月之间")
        key = (enterprise.pk, values.get("raised_on"), values.get("purpose"))
        if key in self.seen:
            reasons.append(f"与第 {self.seen[key]} 行是同一需求(企业、日期、用途相同)")
        self.seen.setdefault(key, row.row)
        if reasons:
            return reasons
        return {"enterprise": enterprise, "project": project, "amount": amount, "purpose": values["purpose"],
                "term_months": term, "raised_on": values["raised_on"], "note": values.get("note") or "",
                "existing": self.existing.get(key)}

    def is_update(self, clean: dict[str, Any]) -> bool:
        return clean["existing"] is not None

    def preview_values(self, clean: dict[str, Any]) -> list[str]:
        return [clean["enterprise"].credit_code, clean["enterprise"].name, f"{clean['amount']:,.2f}",
                clean["purpose"], str(clean["term_months"]), clean["raised_on"].isoformat()]

    def commit(self, rows: Sequence[ValidRow], *, context: CommitContext) -> dict[str, int]:
        created = updated = 0
        for done, row in enumerate(rows, start=1):
            data = dict(row.data)
            existing = data.pop("existing")
            try:
                if existing is None:
                    services.need_create(actor=context.actor, data=data)
                    created += 1
                else:
                    services.need_update(actor=context.actor, need=existing, data={
                        "amount": data["amount"], "term_months": data["term_months"], "note": data["note"]})
                    updated += 1
            except DomainError as exc:
                raise type(exc)(f"第 {row.row} 行:{exc.message}", details=exc.details) from exc
            if done % 100 == 0 or done == len(rows):
                context.report(done, len(rows))
        return {"created": created, "updated": updated}

    def export(self) -> ExportTable:
        from devzone.finance.selectors import need_list

        qs = need_list(user=self.actor, filters={"sort": "raised_on"}).filter(enterprise__isnull=False)

        def rows():
            for number, need in enumerate(qs.iterator(chunk_size=2000), start=1):
                project = need.project.code if need.project_id else ""
                yield [number, need.enterprise.credit_code, need.enterprise.name, project,
                       need.region.name, need.amount, need.purpose, need.term_months, need.raised_on,
                       STATUS_LABELS[need.status], need.granted_total, need.note]

        return ExportTable(title="融资需求", unit="单位:万元", fields=NEED_FIELDS, rows=rows(), sheet_name="融资需求")
