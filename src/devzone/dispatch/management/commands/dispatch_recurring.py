"""`manage.py dispatch_recurring [--today YYYY-MM-DD]`: generate the current periods' recurring tasks."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from devzone.dispatch.jobs import generate_recurring_tasks


class Command(BaseCommand):
    help = "为每周、每月报送等周期任务生成本期任务"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--today", help="date to use (YYYY-MM-DD); default: today")

    def handle(self, *args, **options) -> None:
        today = timezone.localdate()
        if options.get("today"):
            try:
                today = date.fromisoformat(options["today"])
            except ValueError as exc:
                raise CommandError(f"--today 不是有效的日期:{options['today']}") from exc
        self.stdout.write(generate_recurring_tasks(today=today).text())
