"""Reads for the reports pages: the bulletins the user has generated (their jobs; administrators see all)."""

from __future__ import annotations

from django.db.models import QuerySet

from devzone.core.models import Job, User
from devzone.core.selectors import job_queryset
from devzone.reports.services import JOB_KIND


def bulletin_jobs(*, user: User, limit: int = 50) -> QuerySet[Job]:
    return job_queryset(user=user).filter(kind=JOB_KIND).order_by("-created_at", "-pk")[:limit]
