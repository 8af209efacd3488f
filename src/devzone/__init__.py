"""devzone: development-zone and investment-pipeline platform."""
