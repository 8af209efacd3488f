"""Deterministic, fictional demo data (`devzone demo --scale N`). Each app adds a step to steps.py."""
