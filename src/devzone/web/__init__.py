"""The web shell: layout, navigation, home page, shared list machinery, template tags, vendored assets."""
