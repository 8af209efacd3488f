"""Signals other apps listen to (e.g. land checks standard-land conditions when a project reaches 达效)."""

from django.dispatch import Signal

# sent inside the verifying transaction with project, stage, actor and on (the stage's actual date)
stage_verified = Signal()
