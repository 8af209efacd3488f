"""Organisation (regions, zones, departments, users), jurisdiction, audit trail, API tokens."""
