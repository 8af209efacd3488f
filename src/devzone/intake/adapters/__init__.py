"""Import adapters shipped with the intake app (other apps add theirs in `<app>/imports.py`)."""
