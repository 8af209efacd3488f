"""An import batch: the uploaded file, what the preview found, and what the commit wrote."""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from devzone.core.models import TimeStamped


def upload_path(instance: ImportBatch, filename: str) -> str:
    """imports/2026/11/<random>.xlsx: the original name is kept on the row, never in the path."""
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"imports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class ImportBatch(TimeStamped):
    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("previewed")
        COMMITTED = "committed", _("imported")
        FAILED = "failed", _("failed")
        CANCELLED = "cancelled", _("cancelled")

    class Mode(models.TextChoices):
        VALID = "valid", _("import all valid rows")
        ALL = "all", _("import only when every row is valid")

    kind = models.CharField(_("import kind"), max_length=32, db_index=True)
    file = models.FileField(_("file"), upload_to=upload_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="import_batches")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PREVIEWED,
                              db_index=True)
    mode = models.CharField(_("mode"), max_length=8, choices=Mode.choices, blank=True)
    preview = models.JSONField(_("preview"), default=dict, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    data_rows = models.PositiveIntegerField(_("data rows"), default=0)
    valid_rows = models.PositiveIntegerField(_("valid rows"), default=0)
    rejected_rows = models.PositiveIntegerField(_("rejected rows"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    committed_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["created_by", "-created_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["previewed", "committed", "failed", "cancelled"]),
                                   name="import_batch_status_known"),
            models.CheckConstraint(condition=Q(mode__in=["", "valid", "all"]), name="import_batch_mode_known"),
            models.CheckConstraint(condition=Q(valid_rows__lte=models.F("data_rows")),
                                   name="import_batch_valid_within_rows"),
            models.CheckConstraint(condition=~Q(status="committed") | Q(committed_at__isnull=False),
                                   name="import_batch_committed_has_time"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.original_name}"

    def get_absolute_url(self) -> str:
        return reverse("intake:batch", args=[self.pk])

    @property
    def can_commit(self) -> bool:
        return self.status in (self.Status.PREVIEWED, self.Status.FAILED)
