"""Settings for bianzhi, read from environment variables (see the table in README.md)."""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def _load_dotenv(path: Path) -> None:
    """KEY=VALUE lines of an optional .env file; the real environment wins."""
    if not path.is_file():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            os.environ.setdefault(key.strip(), value.strip().strip('"').strip("'"))


_load_dotenv(BASE_DIR / ".env")

DATA_DIR = Path(os.environ.get("BIANZHI_DATA_DIR", BASE_DIR / "data"))
DATA_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in the data folder."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "*").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]
CSRF_FAILURE_VIEW = "bianzhi.views.csrf_failure"  # a Chinese 403 page, not Django's English one

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "guardian",
    "axes",
    "ninja",  # serves Swagger UI from its own static files: the API docs work offline
    "bianzhi",
    "jobs",
    "archives",
    "units",
    "ledgers",
    "verification",
    "registration",
    "supervision",
    "yearbook",
    "keytasks",
    "accounts",
    "api",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy (block below)
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "api.middleware.ApiCallMiddleware",  # /api/: an audit row per call, JSON errors (before anything answers)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "bianzhi.uploads.UploadGuardMiddleware",  # before CsrfViewMiddleware: no body read before the checks
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.FirstRunMiddleware",
    "accounts.middleware.FirstPasswordMiddleware",
    "accounts.middleware.IdleSessionMiddleware",  # 15 minutes idle ends a login
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "bianzhi.middleware.RequestIdMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out login into the lockout page
]

ROOT_URLCONF = "bianzhi.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "bianzhi.context_processors.roles",
            ],
        },
    },
]

WSGI_APPLICATION = "bianzhi.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'bianzhi.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"].endswith(("postgresql", "postgis")):
    # No JIT compilation: it pays 0.2–0.4 s of compiling on every large aggregate (a province's roll-ups)
    # and wins nothing on a web application's short queries. random_page_cost 1.1 instead of 4 (a disk
    # that seeks): an office's tables sit in memory or on SSD, and at 4 the planner scanned all 50,000
    # quotas to sum a county's 500 (bench/bench_province.py; decision #50).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = os.environ.get(
        "BIANZHI_PG_OPTIONS", "-c jit=off -c random_page_cost=1.1"
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background jobs (issue 17 point 2; jobs/, docs/decisions.md) ---
# PostgreSQL: procrastinate (jobs in the same database, LISTEN/NOTIFY, retries, worker heartbeats);
# its Django app (PostgreSQL-only SQL migrations) is installed only then. Workers:
# `manage.py procrastinate worker` (scripts/run starts one beside gunicorn). SQLite: a few threads in
# each web process (jobs.fallback). JOBS_EAGER runs a job in the submitting request (tests only).
DATABASE_IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith(("postgresql", "postgis"))
JOBS_BACKEND = os.environ.get("BIANZHI_JOBS_BACKEND") or (
    "procrastinate" if DATABASE_IS_POSTGRES else "thread"
)
if DATABASE_IS_POSTGRES:
    INSTALLED_APPS.insert(INSTALLED_APPS.index("jobs"), "procrastinate.contrib.django")
JOBS_EAGER = env_bool("BIANZHI_JOBS_EAGER", False)
JOBS_THREADS = int(os.environ.get("BIANZHI_JOBS_THREADS", "1"))  # per web process, SQLite only
JOBS_MAX_ATTEMPTS = int(os.environ.get("BIANZHI_JOBS_MAX_ATTEMPTS", "2"))  # runs of one job (restarts)
JOBS_STALLED_SECONDS = 30  # procrastinate: a worker silent this long is dead, its jobs are retried
JOBS_STALE_SECONDS = 600  # fallback: a job of another host with no heartbeat this long is dead
JOBS_KEEP_DAYS = int(os.environ.get("BIANZHI_JOBS_KEEP_DAYS", "30"))  # result files kept this long
# ledger prints, exports and campaign files above this many rows are made in the background (units.jobs)
JOBS_INLINE_MAX_ROWS = int(os.environ.get("BIANZHI_JOBS_INLINE_MAX_ROWS", "2000"))
# a city's or province's roll-ups (home page, 预警) are counted once per this many seconds per scope;
# 0: always live (bianzhi/lib/scopecache.py, decision #50)
SCOPE_CACHE_SECONDS = int(os.environ.get("BIANZHI_SCOPE_CACHE_SECONDS", "60"))
# past that period the page still shows the kept figure while a thread counts it again ("background"), or
# the request counts it ("inline")
SCOPE_CACHE_REFRESH = os.environ.get("BIANZHI_SCOPE_CACHE_REFRESH", "background")
# ... kept in files under DATA_DIR/cache/scope, shared by the web processes of one machine (each gunicorn
# process kept its own: four processes counted each scope four times a minute); "local": in each process
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "scope": (
        {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "scope"}
        if os.environ.get("BIANZHI_SCOPE_CACHE", "file") == "local"
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache" / "scope"),
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    ),
}
JOBS_IMPORT = [m.strip() for m in os.environ.get("BIANZHI_JOBS_IMPORT", "").split(",") if m.strip()]
# --- end background jobs ---

# ---- Accounts at 等保三级 level (issue 13; docs/decisions.md "django-axes") -------------------------------
# Login throttling by django-axes: its AxesStandaloneBackend first (it refuses a locked account before the
# password is checked). 5 failures lock the user name for 15 minutes, and 5 failures from one address lock
# that address (password spraying); the security administrator sees and lifts locks on 登录锁定 (grant_roles).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row
GUARDIAN_RAISE_403 = False
AXES_FAILURE_LIMIT = int(os.environ.get("BIANZHI_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("BIANZHI_LOGIN_LOCK_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True  # a successful login clears that user's earlier failures
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_ENABLE_ADMIN = False  # the locks page under 账号管理 is the one place to see and lift them
AXES_VERBOSE = False
# Passwords: 8+ characters, 3 of 4 classes, not the user name, not one of the last 3, 90 days at most
# (PASSWORD_MAX_AGE_DAYS=0: no expiry). Every password set is recorded (accounts.models.PasswordHistory).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "accounts.validators.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "accounts.validators.NotUsernameValidator"},
    {"NAME": "accounts.validators.HistoryValidator", "OPTIONS": {"keep": 3}},
]
PASSWORD_MAX_AGE_DAYS = int(os.environ.get("BIANZHI_PASSWORD_MAX_AGE_DAYS", "90"))
# Sessions: end after 15 minutes idle and when the browser closes. A logged-in user's requests renew the
# expiry, writing the session at most once a minute (accounts.middleware.IdleSessionMiddleware; Django's
# SESSION_SAVE_EVERY_REQUEST would make every page a database write).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", "900"))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "units:dashboard"
LOGOUT_REDIRECT_URL = "login"
# ---- end of the accounts block ---------------------------------------------------------------------------

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "staticfiles"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
MEDIA_URL = "media/"
WHITENOISE_USE_FINDERS = True

# Uploads: workbooks and scans are size-limited (BIANZHI_UPLOAD_MAX_MB, default 20 MiB).
UPLOAD_MAX_BYTES = int(float(os.environ.get("BIANZHI_UPLOAD_MAX_MB", "20")) * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# --- Upload guard (issue 13 point 2, bianzhi.uploads.UploadGuardMiddleware) ---
# Whole-body limits per upload kind, checked from Content-Length before anything reads the body (413
# above them) and again while streaming. The per-file limit stays UPLOAD_MAX_BYTES (the forms' message).
_UPLOAD_SLACK = 1024 * 1024  # multipart boundaries and the form's other fields
UPLOAD_LIMITS = {
    "workbook": UPLOAD_MAX_BYTES + _UPLOAD_SLACK,
    "scan": UPLOAD_MAX_BYTES + _UPLOAD_SLACK,
    "attachment": 4 * UPLOAD_MAX_BYTES + _UPLOAD_SLACK,  # several files in one form
}
# Any other POST (no file expected): the form fields' limit plus the multipart overhead.
FORM_BODY_MAX_BYTES = DATA_UPLOAD_MAX_MEMORY_SIZE + _UPLOAD_SLACK
# --- end upload guard ---
# Workbooks: at most this many data rows are read from one sheet.
IMPORT_MAX_ROWS = int(os.environ.get("BIANZHI_IMPORT_MAX_ROWS", "200000"))

# Rule parameters (DOMAIN.md §3.6, §3.7).
VACANCY_TARGET_ADMIN = float(os.environ.get("BIANZHI_VACANCY_TARGET_ADMIN", "0.01"))
VACANCY_TARGET_PUBLIC = float(os.environ.get("BIANZHI_VACANCY_TARGET_PUBLIC", "0.015"))
TIMELY_WORKING_DAYS = int(os.environ.get("BIANZHI_TIMELY_WORKING_DAYS", "5"))
# Keep the ledgers in step with every change (turn off only to measure what they cost).
LEDGERS_ENABLED = env_bool("BIANZHI_LEDGERS", True)

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "SAMEORIGIN"
# --- API (issue 16; docs/api.md) ---
# Calls per token and minute, and failed authentications per address and minute (then 429 until the
# minute ends); counted in the database (api.models.RateWindow), so they hold across gunicorn processes.
API_RATE_PER_MINUTE = int(os.environ.get("BIANZHI_API_RATE_PER_MINUTE", "120"))
API_FAILED_PER_MINUTE = int(os.environ.get("BIANZHI_API_FAILED_PER_MINUTE", "30"))
API_SUBMIT_MAX_ROWS = int(os.environ.get("BIANZHI_API_SUBMIT_MAX_ROWS", "20000"))  # rows per API submission
API_TOKEN_MAX_DAYS = int(os.environ.get("BIANZHI_API_TOKEN_MAX_DAYS", "366"))  # longest validity at issue
# --- end API ---
# The address users reach the server at, printed in the QR codes of the 编制使用单 and 人员编制管理卡
# (<SITE_URL>/slips/verify/?code=…); empty: a relative URL (docs/api.md 编制使用单核验).
SITE_URL = os.environ.get("BIANZHI_SITE_URL", "").rstrip("/")

# --- Content-Security-Policy (issue 13 point 6; django-csp 4.0) ---
# Scripts only from our own static files (no inline <script>, no on*= handlers: static/js/app.js).
# style-src allows 'unsafe-inline' and only it: the print pages (HTML and WeasyPrint PDF from the same
# template) carry their A4 layout in <style> blocks and many templates set widths in style attributes;
# styles cannot run code, and everything a user typed is auto-escaped.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    }
}
# --- end Content-Security-Policy ---

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
