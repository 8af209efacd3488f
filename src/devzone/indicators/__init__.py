"""Economic indicators (经济运行监测): catalog, values, targets, derived figures, reconciliation."""
