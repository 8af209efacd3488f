"""Settings for the test suite: the real settings, with a throwaway secret key and a fast password hasher.

The database comes from DEVZONE_DATABASE_URL as in production (CI runs the suite on SQLite and PostgreSQL).
"""

import os
import tempfile

os.environ.setdefault("DEVZONE_SECRET_KEY", "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("DEVZONE_DATA_DIR", tempfile.mkdtemp(prefix="devzone-test-"))

from devzone.settings import *  # noqa: F403

# Argon2 stays the production hasher (tests/core/test_security.py checks it); tests hash with MD5 for speed.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]  # noqa: F405
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
AXES_ENABLED = True
