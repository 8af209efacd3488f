"""`manage.py dispatch_escalate [--now ISO-8601]`: run the escalation job once (cron or a scheduler)."""

from __future__ import annotations

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from devzone.dispatch.jobs import escalate_due


class Command(BaseCommand):
    help = "提醒、催办、督办、通报:按时限表和督办规则升级逾期的问题和任务"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--now", help="clock to use (ISO 8601); default: the current time")

    def handle(self, *args, **options) -> None:
        now = timezone.now()
        if options.get("now"):
            try:
                now = datetime.fromisoformat(options["now"])
            except ValueError as exc:
                raise CommandError(f"--now 不是有效的时间:{options['now']}") from exc
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        report = escalate_due(now=now)
        self.stdout.write(report.text())
