"""The policy-applications adapter of the Excel import (devzone.intake): one application per row, with its
review and payment when the row records them.

    统一社会信用代码 | 企业名称 | 政策名称 | 条款 | 申报日期 | 申报金额 | 状态 |
    核定金额 | 审核日期 | 兑付金额 | 兑付日期 | 未通过理由
A row is matched to an application already registered by enterprise, clause and application date; otherwise it
registers one. The row's state is then reached through the same services the pages use (审核 → 兑付, or 驳回),
so due dates, lateness, validation and audit are the platform's own; a state can only move forward. Any
failure at commit rolls back the whole file.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from devzone.core.errors import DomainError
from devzone.core.jurisdiction import scope_for
from devzone.enterprises.models import Enterprise
from devzone.finance.imports import cents
from devzone.intake.adapters.base import Adapter, CommitContext, ExportTable, Field, FileHints, RowInput, ValidRow
from devzone.intake.adapters.enterprises import parse_credit_code
from devzone.intake.registry import register
from devzone.policies import services
from devzone.policies.models import Application, Clause

STATUS_LABELS = {"submitted": "已申报", "approved": "已审核", "rejected": "未通过", "paid": "已兑付"}
ORDER = {"submitted": 0, "approved": 1, "rejected": 1, "paid": 2}
STATUS_CHOICES = {**{label: value for value, label in STATUS_LABELS.items()}, **{v: v for v in STATUS_LABELS},
                  "待审核": "submitted", "审核通过": "approved", "待兑付": "approved", "驳回": "rejected",
                  "不予兑现": "rejected", "已兑现": "paid"}

APPLICATION_FIELDS: tuple[Field, ...] = (
    Field("credit_code", "统一社会信用代码", ("信用代码", "社会信用代码", "统一代码"), required=True,
          parser=parse_credit_code, export_width=22),
    Field("enterprise_name", "企业名称", ("企业", "申报企业", "申报单位"), export_width=30),
    Field("policy", "政策名称", ("政策", "政策文件"), required=True, export_width=20),
    Field("clause", "条款", ("条款编号", "政策条款", "对应条款"), required=True, export_width=10),
    Field("applied_on", "申报日期", ("申请日期",), kind="date", required=True, export_width=12),
    Field("claimed_amount", "申报金额", ("申请金额", "申报资金"), kind="money", required=True),
    Field("status", "状态", ("办理状态", "兑现状态"), kind="choice", choices=STATUS_CHOICES, export_width=10),
    Field("approved_amount", "核定金额", ("审核金额", "应兑付金额"), kind="money"),
    Field("approved_on", "审核日期", ("核定日期", "审核通过日期"), kind="date", export_width=12),
    Field("paid_amount", "兑付金额", ("实际兑付金额", "已兑付金额", "拨付金额"), kind="money"),
    Field("paid_on", "兑付日期", ("拨付日期", "实际兑付日期"), kind="date", export_width=12),
    Field("rejected_reason", "未通过理由", ("驳回理由", "不予兑现理由"), export_width=20),
    Field("due_date", "应兑付日期", ("兑付期限",), kind="date", export_width=12),
    Field("days_late", "逾期天数", (), kind="integer", export_width=8),
)


def _needs(status: str, values: dict) -> list[str]:
    missing = []
    if ORDER[status] >= 1 and status != "rejected":
        missing += [label for key, label in (("approved_amount", "核定金额"), ("approved_on", "审核日期"))
                    if values.get(key) is None]
    if status == "paid":
        missing += [label for key, label in (("paid_amount", "兑付金额"), ("paid_on", "兑付日期"))
                    if values.get(key) is None]
    if status == "rejected" and not values.get("rejected_reason"):
        missing.append("未通过理由")
    return [f"状态为「{STATUS_LABELS[status]}」时须填写{'、'.join(missing)}"] if missing else []


@register
class PolicyApplicationAdapter(Adapter):
    kind = "policy-applications"
    title = "政策兑现申报"
    description = ("企业的政策兑现申报:按信用代码、政策名称和条款找到企业与条款;同一企业、条款、申报日期视为"
                   "已登记。填写了核定或兑付信息的行依次办理审核、兑付(或驳回),应兑付日期按条款时限计算")
    fields = APPLICATION_FIELDS
    label_fields = ("enterprise_name", "credit_code")
    preview_fields = ("credit_code", "enterprise_name", "policy", "clause", "claimed_amount", "status")
    list_url_name = "policies:applications"

    def prepare(self, rows: Sequence[RowInput], hints: FileHints) -> None:
        super().prepare(rows, hints)
        scope = scope_for(self.actor)
        codes = {row.values["credit_code"] for row in rows if row.values.get("credit_code")}
        self.enterprises = {e.credit_code: e for e in Enterprise.objects.filter(credit_code__in=codes)
                            .filter(scope.region_q()).select_related("region")}
        self.clauses = {(c.policy.name, c.number): c for c in Clause.objects.filter(
            scope.with_ancestors_q("policy__region")).select_related("policy__region")}
        self.existing = {(a.enterprise_id, a.clause_id, a.applied_on): a for a in Application.objects.filter(
            enterprise__in=list(self.enterprises.values())).select_related("clause", "enterprise__region")}
        self.seen: dict[tuple, int] = {}

    def validate_row(self, row: RowInput) -> dict[str, Any] | list[str]:
        values, reasons = row.values, []
        if any(values.get(f.key) is None for f in self.required_fields()):
            return []  # the pipeline has already rejected the row, naming the empty or unreadable cells
        enterprise = self.enterprises.get(values.get("credit_code") or "")
        if enterprise is None:
            reasons.append(f"统一社会信用代码 {values.get('credit_code')} 的企业未登记,或不在您的管辖范围内")
        elif values.get("enterprise_name") and values["enterprise_name"] != enterprise.name:
            reasons.append(f"企业名称「{values['enterprise_name']}」与信用代码登记的「{enterprise.name}」不一致")
        clause = self.clauses.get((values.get("policy"), values.get("clause")))
        if clause is None:
            reasons.append(f"政策「{values.get('policy')}」没有条款「{values.get('clause')}」(或不适用于您的辖区)")
        status = values.get("status") or "submitted"
        reasons += _needs(status, values)
        if reasons:
            return reasons
        key = (enterprise.pk, clause.pk, values["applied_on"])
        if key in self.seen:
            return [f"与第 {self.seen[key]} 行是同一申报(企业、条款、申报日期相同)"]
        self.seen[key] = row.row
        existing = self.existing.get(key)
        if existing is not None and ORDER[existing.status] > ORDER[status]:
            return [f"该申报已是「{STATUS_LABELS[existing.status]}」,不能退回为「{STATUS_LABELS[status]}」"]
        if existing is not None and existing.status in ("rejected", "paid") and existing.status != status:
            return [f"该申报已办结为「{STATUS_LABELS[existing.status]}」"]
        return {"enterprise": enterprise, "clause": clause, "applied_on": values["applied_on"],
                "claimed_amount": cents(values["claimed_amount"]), "status": status,
                "approved_amount": cents(values.get("approved_amount")),
                "paid_amount": cents(values.get("paid_amount")),
                **{k: values.get(k) for k in ("approved_on", "paid_on", "rejected_reason")},
                "existing": existing}

    def is_update(self, clean: dict[str, Any]) -> bool:
        return clean["existing"] is not None

    def preview_values(self, clean: dict[str, Any]) -> list[str]:
        return [clean["enterprise"].credit_code, clean["enterprise"].name, clean["clause"].policy.name,
                clean["clause"].number, f"{clean['claimed_amount']:,.2f}", STATUS_LABELS[clean["status"]]]

    def commit(self, rows: Sequence[ValidRow], *, context: CommitContext) -> dict[str, int]:
        created = updated = 0
        for done, row in enumerate(rows, start=1):
            try:
                is_new = self._write(row.data, context.actor)
            except DomainError as exc:
                raise type(exc)(f"第 {row.row} 行:{exc.message}", details=exc.details) from exc
            created, updated = created + is_new, updated + (not is_new)
            if done % 100 == 0 or done == len(rows):
                context.report(done, len(rows))
        return {"created": created, "updated": updated}

    def _write(self, data: dict[str, Any], actor) -> bool:
        app = data["existing"]
        is_new = app is None
        if is_new:
            app = services.application_create(actor=actor, data={
                k: data[k] for k in ("enterprise", "clause", "applied_on", "claimed_amount")})
        status = data["status"]
        if status == "rejected" and app.status == "submitted":
            app = services.application_reject(actor=actor, application=app, reason=data["rejected_reason"])
        if status in ("approved", "paid") and app.status == "submitted":
            app = services.application_approve(actor=actor, application=app, amount=data["approved_amount"],
                                               approved_on=data["approved_on"])
        if status == "paid" and app.status == "approved":
            services.application_pay(actor=actor, application=app, amount=data["paid_amount"],
                                     paid_on=data["paid_on"])
        return is_new

    def export(self) -> ExportTable:
        from django.utils import timezone

        from devzone.policies.selectors import application_list

        today = timezone.localdate()
        qs = application_list(user=self.actor, filters={"sort": "applied_on"}, today=today)

        def rows():
            for number, a in enumerate(qs.iterator(chunk_size=2000), start=1):
                yield [number, a.enterprise.credit_code, a.enterprise.name, a.clause.policy.name, a.clause.number,
                       a.applied_on, a.claimed_amount, STATUS_LABELS[a.status], a.approved_amount, a.approved_on,
                       a.paid_amount, a.paid_on, a.rejected_reason, a.due_date, a.days_late(today) or None]

        return ExportTable(title="政策兑现申报", unit="单位:万元", fields=APPLICATION_FIELDS, rows=rows(),
                           sheet_name="政策兑现")
