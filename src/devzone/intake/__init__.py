"""Intake: bringing outside material into devzone.

``devzone.intake.speech`` turns a meeting speech (pasted text, Traditional or Simplified Chinese) into
draft supervision tasks; it is plain Python with no Django import, so the command line can run it
without a database.
"""
