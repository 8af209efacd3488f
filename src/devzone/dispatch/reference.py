"""Default configuration every deployment starts with: the SLA table and the escalation rules row.

A data migration loads them; `ensure_dispatch_reference()` restores them idempotently (the demo loader and
tests call it after a transactional test has flushed the database). Administrators edit both in the admin
site; the code only ever reads them.
"""

from __future__ import annotations

# Calendar days to resolve a problem, by category and difficulty (一般 / 疑难).
DEFAULT_SLA_DAYS: dict[str, tuple[int, int]] = {
    "approval": (10, 20),      # 审批手续
    "land": (20, 45),          # 用地
    "financing": (15, 30),     # 融资
    "labour": (10, 20),        # 用工
    "utilities": (7, 15),      # 水电气暖
    "environment": (15, 30),   # 环保
    "demolition": (30, 60),    # 征地拆迁
    "policy": (15, 30),        # 政策兑现
    "other": (10, 20),         # 其他
}


def load_sla_table(sla_model) -> None:
    """Create the rows that are missing; existing rows (perhaps edited) are left alone."""
    existing = set(sla_model.objects.values_list("category", "difficulty"))
    rows = []
    for category, (normal, hard) in DEFAULT_SLA_DAYS.items():
        for difficulty, days in (("normal", normal), ("hard", hard)):
            if (category, difficulty) not in existing:
                rows.append(sla_model(category=category, difficulty=difficulty, days=days))
    sla_model.objects.bulk_create(rows)


def load_rules(rules_model) -> None:
    rules_model.objects.get_or_create(pk=1)


def ensure_dispatch_reference() -> None:
    from devzone.dispatch.models import DispatchRules, SlaRule

    load_sla_table(SlaRule)
    load_rules(DispatchRules)
