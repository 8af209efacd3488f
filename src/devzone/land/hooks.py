"""Reactions to other apps' events: a project verified as effective (达效) gets its standard-land check."""

from __future__ import annotations

import logging

from devzone.projects.models import Stage

log = logging.getLogger(__name__)


def on_stage_verified(sender, *, project, stage, actor, on, **kwargs) -> None:
    """Record the check; a failure here is logged and never blocks the verification (record and warn)."""
    if stage != Stage.EFFECTIVE:
        return
    from devzone.land.services import standard_checks_run

    try:
        standard_checks_run(actor=actor, project=project, on=on)
    except Exception:  # the check's own savepoint has rolled back; the verification goes on
        log.exception("standard-land check failed for project %s", project.pk)


def connect() -> None:
    from devzone.projects.signals import stage_verified

    stage_verified.connect(on_stage_verified, dispatch_uid="land.standard_check_on_effective")
