"""Errors a user can cause."""

from __future__ import annotations


class IntakeInputError(ValueError):
    """Input the intake cannot read (unreadable or non-text file, bad date, nothing in it). The message is
    one line of Chinese for the user; the command line prints it and exits 2."""
