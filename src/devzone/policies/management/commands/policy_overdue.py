"""`manage.py policy_overdue [--today YYYY-MM-DD]`: raise dispatch problems for overdue policy payments."""

from __future__ import annotations

from datetime import date, datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from devzone.policies.services import policy_overdue_sweep


class Command(BaseCommand):
    help = "为审核通过、逾期未兑付的政策资金生成督办问题(每件申报一件问题,可重复运行)"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--today", help="date to use (YYYY-MM-DD); default: today")

    def handle(self, *args, **options) -> None:
        now = timezone.now()
        if options.get("today"):
            try:
                day = date.fromisoformat(options["today"])
            except ValueError as exc:
                raise CommandError(f"--today 不是有效的日期:{options['today']}") from exc
            now = timezone.make_aware(datetime.combine(day, time(9, 0)))
        self.stdout.write(policy_overdue_sweep(now=now).text())
