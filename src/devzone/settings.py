"""Django settings, read from the environment (see docs/deploy.md).

DEVZONE_DATABASE_URL   database URL; default SQLite (WAL) under DEVZONE_DATA_DIR
DEVZONE_SECRET_KEY     required when DEVZONE_DEBUG is off
DEVZONE_DEBUG          "1" for development only; default off
DEVZONE_ALLOWED_HOSTS  comma-separated host names; default 127.0.0.1,localhost
DEVZONE_DATA_DIR       uploads and generated files; default ./var
DEVZONE_HTTPS          "1" (default when debug is off): secure cookies, HSTS, SSL redirect handled by the proxy

Values may also come from DEVZONE_DATA_DIR/local.env (KEY=VALUE lines), which `devzone demo` writes for
a local demo; real environment variables take precedence over that file.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent


def _load_local_env(data_dir: Path) -> None:
    """Read KEY=VALUE lines from data_dir/local.env into os.environ without overriding set values."""
    env_file = data_dir / "local.env"
    if not env_file.is_file():
        return
    for line in env_file.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        os.environ.setdefault(key.strip(), value.strip())


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


DATA_DIR = Path(os.environ.get("DEVZONE_DATA_DIR", "var")).resolve()
_load_local_env(DATA_DIR)

DEBUG = _env_bool("DEVZONE_DEBUG", False)
HTTPS = _env_bool("DEVZONE_HTTPS", not DEBUG)

SECRET_KEY = os.environ.get("DEVZONE_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DEVZONE_SECRET_KEY 未设置:生产模式必须提供随机密钥 (DEVZONE_SECRET_KEY is required when debug is off)"
        )
    SECRET_KEY = "insecure-development-key-only-used-with-DEVZONE_DEBUG=1"
elif len(SECRET_KEY) < 32 and not DEBUG:
    raise ImproperlyConfigured("DEVZONE_SECRET_KEY 太短:至少 32 个字符 (the secret key must be at least 32 characters)")

ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("DEVZONE_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "devzone.core",
    "devzone.enterprises",
    "devzone.projects",
    "devzone.dispatch",
    "devzone.attraction",
    "devzone.chains",
    "devzone.indicators",
    "devzone.intake",
    "devzone.evaluation",
    "devzone.reports",
    "devzone.land",
    "devzone.finance",
    "devzone.policies",
    "devzone.web",
    "devzone.demo",
    "devzone.ops",
]

MIDDLEWARE = [
    "devzone.ops.middleware.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "devzone.web.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",
    "devzone.ops.middleware.PasswordExpiryMiddleware",
]

ROOT_URLCONF = "devzone.urls"
WSGI_APPLICATION = "devzone.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "devzone.web.context_processors.navigation",
            ],
        },
    },
]


def _database_config() -> dict:
    url = os.environ.get("DEVZONE_DATABASE_URL", "")
    if not url:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{DATA_DIR / 'devzone.sqlite3'}"
    config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            # Writers take the lock up front instead of failing halfway; WAL lets readers run alongside.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
    return config


DATABASES = {"default": _database_config()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background jobs: django-tasks with its database backend; `devzone worker` runs them (see core/jobs.py).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
AUTH_USER_MODEL = "core.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "devzone.core.passwords.ComplexityValidator", "OPTIONS": {"min_classes": 3}},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login lockout (django-axes): 5 failures lock the username from that address for 30 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Passwords older than this many days must be changed at the next page visit (0 turns the policy off).
PASSWORD_MAX_AGE_DAYS = int(os.environ.get("DEVZONE_PASSWORD_MAX_AGE_DAYS", "90"))

# Sessions expire after 30 minutes without a request.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    SECURE_HSTS_SECONDS = int(os.environ.get("DEVZONE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = _env_bool("DEVZONE_SSL_REDIRECT", False)
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("DEVZONE_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

# The interface is Simplified Chinese whatever the browser asks for (no LocaleMiddleware); msgids are English,
# so an English interface is one catalog and one middleware away.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise serves from the app folders (finders) until collectstatic
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "devzone.core.storage.AtomicFileSystemStorage"},  # no half-written files
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Logs: one JSON object per line on stderr (journald under systemd), each with the request id (see devzone/ops/logs.py).
# DEVZONE_LOG_LEVEL sets the level of everything else; DEVZONE_REQUEST_LOG=0 turns off the per-request line.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "devzone.ops.logs.RequestIdFilter"}},
    "formatters": {"json": {"()": "devzone.ops.logs.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("DEVZONE_LOG_LEVEL", "WARNING")},
    "loggers": {
        "devzone.request": {"level": "INFO" if _env_bool("DEVZONE_REQUEST_LOG", True) else "WARNING"},
    },
}

# /metrics (Prometheus): allowed client addresses (networks allowed) and an optional bearer token for scrapers
# elsewhere. Behind nginx every request comes from 127.0.0.1, so nginx itself refuses /metrics from outside
# (deploy/nginx-devzone.conf).
METRICS_ALLOWED_IPS = [
    a.strip() for a in os.environ.get("DEVZONE_METRICS_ALLOWED_IPS", "127.0.0.1,::1").split(",") if a.strip()
]
METRICS_TOKEN = os.environ.get("DEVZONE_METRICS_TOKEN", "")
