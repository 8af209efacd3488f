"""Enterprise registry (企业库) and annual data."""
