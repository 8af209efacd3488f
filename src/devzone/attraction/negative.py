"""The negative list (负面清单, 三个一律不招): which rules a lead breaks, in Python (to explain) and as a Q (to filter).

Both read the same rule rows; tests prove they agree. Intensity = intended investment / intended land (万元/亩),
compared with the rule's own minimum, else the lead's zone threshold, else the configured default.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, Q, Value
from django.db.models.functions import Coalesce

from devzone.attraction.models import Lead, NegativeListRule


@dataclass(frozen=True)
class Violation:
    rule_id: int
    rule: str
    kind: str
    message: str

    def as_dict(self) -> dict:
        return asdict(self)


def active_rules() -> list[NegativeListRule]:
    return list(NegativeListRule.objects.filter(active=True).order_by("kind", "name", "pk"))


def _fmt(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01')):,}"


def lead_violations(lead: Lead, rules: Sequence[NegativeListRule], *, default_threshold: Decimal) -> list[Violation]:
    """The rules `lead` breaks, each with a sentence saying why (uses lead.industry and lead.zone)."""
    found = []
    for rule in rules:
        message = _broken(lead, rule, default_threshold)
        if message:
            found.append(Violation(rule_id=rule.pk, rule=rule.name, kind=rule.kind, message=message))
    return found


def _broken(lead: Lead, rule: NegativeListRule, default_threshold: Decimal) -> str:
    if rule.kind == NegativeListRule.Kind.INDUSTRY:
        code = lead.industry.code if lead.industry_id else ""
        if code and any(code.upper().startswith(prefix) for prefix in rule.code_prefixes()):
            return f"行业 {lead.industry} 属于负面清单「{rule.name}」"
        return ""
    if rule.kind == NegativeListRule.Kind.ENERGY:
        energy, output = lead.expected_energy_tce, lead.expected_output
        if energy is None or output is None or rule.max_energy_per_output is None:
            return ""
        if output <= 0:
            return f"预计年能耗 {_fmt(energy)} 吨标煤而无产值,触犯「{rule.name}」" if energy > 0 else ""
        ratio = energy / output
        if ratio > rule.max_energy_per_output:
            return (f"单位产值能耗 {ratio.quantize(Decimal('0.0001'))} 吨标煤/万元,高于「{rule.name}」"
                    f"上限 {rule.max_energy_per_output}")
        return ""
    if rule.kind == NegativeListRule.Kind.INTENSITY:
        investment, land = lead.intended_investment, lead.intended_land_mu
        if investment is None or not land:
            return ""
        threshold = _threshold(lead, rule, default_threshold)
        intensity = investment / land
        if intensity < threshold:
            return f"投资强度 {_fmt(intensity)} 万元/亩,低于「{rule.name}」门槛 {_fmt(threshold)} 万元/亩"
    return ""


def _threshold(lead: Lead, rule: NegativeListRule, default_threshold: Decimal) -> Decimal:
    if rule.min_intensity is not None:
        return rule.min_intensity
    if lead.zone_id:
        return lead.zone.intensity_threshold
    return default_threshold


MONEY_FIELD = DecimalField(max_digits=20, decimal_places=4)


def violation_q(rules: Sequence[NegativeListRule], *, default_threshold: Decimal) -> Q:
    """A Q over Lead keeping the leads that break at least one of `rules` (same logic as lead_violations)."""
    parts = [_rule_q(rule, default_threshold) for rule in rules]
    result = Q(pk__in=[])
    for part in parts:
        result |= part
    return result


def _rule_q(rule: NegativeListRule, default_threshold: Decimal) -> Q:
    if rule.kind == NegativeListRule.Kind.INDUSTRY:
        q = Q(pk__in=[])
        for prefix in rule.code_prefixes():
            q |= Q(industry__code__startswith=prefix)
        return q
    if rule.kind == NegativeListRule.Kind.ENERGY:
        if rule.max_energy_per_output is None:
            return Q(pk__in=[])
        limit = ExpressionWrapper(F("expected_output") * Value(rule.max_energy_per_output), output_field=MONEY_FIELD)
        present = Q(expected_energy_tce__isnull=False, expected_output__isnull=False)
        return present & (Q(expected_output__gt=0, expected_energy_tce__gt=limit)
                          | Q(expected_output__lte=0, expected_energy_tce__gt=0))
    if rule.kind == NegativeListRule.Kind.INTENSITY:
        if rule.min_intensity is not None:
            threshold = Value(rule.min_intensity, output_field=MONEY_FIELD)
        else:
            threshold = Coalesce(F("zone__intensity_threshold"), Value(default_threshold), output_field=MONEY_FIELD)
        floor = ExpressionWrapper(threshold * F("intended_land_mu"), output_field=MONEY_FIELD)
        return Q(intended_investment__isnull=False, intended_land_mu__gt=0, intended_investment__lt=floor)
    return Q(pk__in=[])
