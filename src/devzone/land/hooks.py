"""Reactions to other apps' events: a project verified as effective (达效) gets its standard-land check."""

from __future__ import annotations

from devzone.projects.models import Stage


def on_stage_verified(sender, *, project, stage, actor, on, **kwargs) -> None:
    if stage != Stage.EFFECTIVE:
        return
    from devzone.land.services import standard_checks_run

    standard_checks_run(actor=actor, project=project, on=on)


def connect() -> None:
    from devzone.projects.signals import stage_verified

    stage_verified.connect(on_stage_verified, dispatch_uid="land.standard_check_on_effective")
