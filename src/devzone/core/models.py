"""Organisation: regions, zones, departments, users and roles; the audit trail; API tokens."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class Region(TimeStamped):
    """A node of the administrative tree (province > city > county/district > township)."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("province")
        CITY = "city", _("city")
        COUNTY = "county", _("county")
        TOWNSHIP = "township", _("township")

    name = models.CharField(_("name"), max_length=64)
    code = models.CharField(_("administrative code"), max_length=12, blank=True)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Materialised path of ids, e.g. "/1/4/": a subtree is path__startswith, on every database.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    boundary = models.JSONField(_("boundary (GeoJSON)"), null=True, blank=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=~Q(code=""), name="region_code_unique_when_set"
            ),
            models.CheckConstraint(condition=Q(code="") | Q(code__regex=r"^\d{6,12}$"), name="region_code_digits"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2  # province 0, city 1, county 2, township 3


class Zone(TimeStamped):
    """A development zone (开发区), industrial cluster or park, attached to a region."""

    class Level(models.TextChoices):
        NATIONAL = "national", _("national")
        PROVINCIAL = "provincial", _("provincial")
        COUNTY = "county", _("county-level")

    class Kind(models.TextChoices):
        ETDZ = "etdz", _("economic and technological development zone")
        HIGH_TECH = "high_tech", _("high-tech zone")
        BONDED = "bonded", _("comprehensive bonded zone")
        CLUSTER = "cluster", _("industrial cluster")
        PARK = "park", _("specialised park")

    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=32, blank=True)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="zones")
    parent = models.ForeignKey(
        "self", verbose_name=_("parent zone"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="sub_zones",
    )
    planned_area_km2 = models.DecimalField(_("planned area (km²)"), max_digits=10, decimal_places=2, null=True,
                                           blank=True)
    built_area_km2 = models.DecimalField(_("built area (km²)"), max_digits=10, decimal_places=2, null=True,
                                         blank=True)
    leading_industries = models.CharField(_("leading industries"), max_length=200, blank=True)
    star_rating = models.PositiveSmallIntegerField(_("star rating"), null=True, blank=True,
                                                   validators=[MinValueValidator(1), MaxValueValidator(5)])
    management_body = models.CharField(_("management body"), max_length=100, blank=True)
    intensity_threshold = models.DecimalField(
        _("investment-intensity threshold (10k yuan/mu)"), max_digits=10, decimal_places=2, default=Decimal("180")
    )
    boundary = models.JSONField(_("boundary (GeoJSON)"), null=True, blank=True)
    established_year = models.PositiveSmallIntegerField(_("established year"), null=True, blank=True)

    class Meta:
        verbose_name = _("zone")
        verbose_name_plural = _("zones")
        ordering = ["region__path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["name"], name="zone_name_unique"),
            models.CheckConstraint(condition=Q(intensity_threshold__gte=0), name="zone_threshold_non_negative"),
            models.CheckConstraint(
                condition=Q(star_rating__isnull=True) | Q(star_rating__gte=1, star_rating__lte=5),
                name="zone_star_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(built_area_km2__isnull=True)
                | Q(planned_area_km2__isnull=True)
                | Q(built_area_km2__lte=models.F("planned_area_km2")),
                name="zone_built_within_planned",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("core:zone", args=[self.pk])


class Department(TimeStamped):
    """A government department (发改委, 商务局, 工信局, …) at a level of the region tree."""

    name = models.CharField(_("name"), max_length=64)
    short_name = models.CharField(_("short name"), max_length=32, blank=True)
    code = models.SlugField(_("code"), max_length=32)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="departments")

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["region__path", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "code"], name="department_code_unique_in_region")]

    def __str__(self) -> str:
        return self.name


class Role(models.Model):
    """A role from DOMAIN.md §1; users may hold several."""

    class Code(models.TextChoices):
        CITY_LEADER = "city_leader", _("city leader")
        PROJECT_OFFICE = "project_office", _("project office")
        SUPERVISION = "supervision", _("supervision office")
        INVESTMENT = "investment", _("investment bureau")
        INDUSTRY = "industry", _("industry bureau")
        STATISTICS = "statistics", _("statistics bureau")
        COUNTY = "county", _("county or zone")
        SERVICE_OFFICER = "service_officer", _("service officer")
        ENTERPRISE = "enterprise", _("enterprise")
        OBSERVER = "observer", _("observer")
        # 三员分立 (等保 level 3): system, security and audit administrators are distinct, mutually exclusive roles.
        SYSTEM_ADMIN = "system_admin", _("system administrator")
        SECURITY_ADMIN = "security_admin", _("security administrator")
        AUDIT_ADMIN = "audit_admin", _("audit administrator")

    code = models.CharField(max_length=32, choices=Code.choices, unique=True)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["code"]

    def __str__(self) -> str:
        return str(self.Code(self.code).label)


class User(AbstractUser):
    """A person who signs in. Jurisdiction is a region subtree, or a department (which sits on a region)."""

    display_name = models.CharField(_("name"), max_length=32, blank=True)
    post = models.CharField(_("post"), max_length=64, blank=True)
    unit = models.CharField(_("unit"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    roles = models.ManyToManyField(Role, verbose_name=_("roles"), blank=True, related_name="users")
    region = models.ForeignKey(
        Region, verbose_name=_("jurisdiction region"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="users",
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="users",
    )
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name or self.username

    def set_password(self, raw_password: str | None) -> None:
        """Every way of setting a password (forms, admin, CLI) restarts the password-age clock."""
        from django.utils import timezone

        super().set_password(raw_password)
        self.password_changed_at = timezone.now()


class AuditEvent(models.Model):
    """One append-only entry of the audit trail (电子留痕), chained by hash to the one before it."""

    seq = models.PositiveBigIntegerField(unique=True, editable=False)
    created_at = models.DateTimeField(editable=False, db_index=True)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False,
                              related_name="+")
    actor_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=32, db_index=True)
    object_type = models.CharField(max_length=64, db_index=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(max_length=200, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class AuditHead(models.Model):
    """The single row that serialises appends and remembers the end of the chain (detects a deleted tail)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="audit_head_single_row")]

    def __str__(self) -> str:
        return f"audit head #{self.last_seq}"


class ApiToken(models.Model):
    """A bearer token for the API; only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=64, blank=True)
    prefix = models.CharField(max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class Job(models.Model):
    """A long piece of work (import, evaluation, bulletin) run by a worker, with progress a page can poll."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        SUCCEEDED = "succeeded", _("succeeded")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=64, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED,
                              db_index=True)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    message = models.CharField(_("message"), max_length=200, blank=True)
    log = models.TextField(_("log"), blank=True)
    result = models.JSONField(null=True, blank=True)
    result_file = models.FileField(upload_to="jobs/%Y/%m/", blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs")
    retry_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="retries")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=Q(progress__lte=100), name="job_progress_at_most_100")]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.SUCCEEDED, self.Status.FAILED}
