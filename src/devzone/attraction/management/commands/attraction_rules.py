"""`attraction_rules [--date YYYY-MM-DD]`: run the five lead rules (daily; background jobs come later)."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from devzone.attraction.rules import apply_lead_rules


class Command(BaseCommand):
    help = "Run the five investment-lead rules (提醒制、淘汰制、服务制、节点制、协调制) as of a date."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--date", help="as-of date, YYYY-MM-DD (default: today)")

    def handle(self, *args, **options) -> None:
        try:
            today = date.fromisoformat(options["date"]) if options.get("date") else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"日期格式应为 YYYY-MM-DD:{options['date']}") from exc
        self.stdout.write(apply_lead_rules(today=today).text())
