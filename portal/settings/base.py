"""Settings shared by every environment. Values that differ per deployment come from the environment
(django-environ), so the same code runs the demo (SQLite, tasks in-process) and production (PostgreSQL,
Redis, a Celery worker and beat) with settings only."""

from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-dev-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    # Django's admin, on an admin site that requires a verified second factor (apps/accounts/admin_site.py).
    "apps.accounts.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "apps.core",
    "apps.accounts",
    "apps.people",
    "apps.workforce",
    "apps.frontdoor",
    "apps.assessments",
    "apps.plans",
    "apps.care",
    "apps.kpis",
    "apps.imports",
    "apps.manage",
    "apps.scorecards",
    "apps.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check, which is the first to read a POST body: an upload's size limit must be in place.
    "apps.core.uploads.UploadLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages (they leave a note on the login page), before anything that serves data.
    "apps.accounts.middleware.IdleTimeoutMiddleware",
    "apps.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

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
                "apps.core.context_processors.council",
            ],
        },
    },
]

# SQLite by default so the demo needs no server; DATABASE_URL=postgres://... selects PostgreSQL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dev server read while a long import writes; a busy timeout instead of "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 30, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
elif DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    # No JIT: the snapshot queries are short aggregations whose plans carry many correlated subqueries, so
    # their estimated cost crosses PostgreSQL's JIT threshold and LLVM compilation takes seconds for a query
    # that runs in milliseconds (measured: 9.5 s, 9.4 of them JIT, for one placement-stability query).
    # Portal pages read small pre-aggregated tables, where JIT never pays either.
    _pg_options = DATABASES["default"].setdefault("OPTIONS", {})
    _pg_options["options"] = f"{_pg_options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Authentication hardening (issue 4) ---------------------------------------------------------------
# django-axes checks every login against its lockout record before the password is even tried.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five wrong passwords for one username from one address lock that pair out for 30 minutes (counted from the
# lockout, not extended by further tries); admins can unlock sooner (apps.accounts.lockout.unlock).
# The address is REMOTE_ADDR: behind a proxy that is the proxy's, so the lockout then acts per username.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "apps.accounts.views.locked_out"
AXES_SENSITIVE_PARAMETERS = ["password", "otp_token"]
# Login attempts show read-only in the Django admin (apps/accounts/admin.py); unlocks are /manage/'s, audited.
AXES_ENABLE_ADMIN = False

# TOTP second factor (django-otp) for every role that sees child-level data: apps/accounts/otp.py.
OTP_TOTP_ISSUER = env(
    "OTP_TOTP_ISSUER", default=f"{env('COUNCIL_NAME', default='Demo Borough Council')} portal"
)

# An authenticated session left alone this long is signed out (apps.accounts.middleware.IdleTimeoutMiddleware);
# the cookie also dies with the browser.
SESSION_IDLE_TIMEOUT_SECONDS = env.int("SESSION_IDLE_TIMEOUT_SECONDS", default=30 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Content-Security-Policy (django-csp): everything from the portal itself, no inline script or style, no
# plugins, no framing. Chart.js and any other script are served from static/.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]

DJANGO_TABLES2_TEMPLATE = "core/_table.html"  # the one table template, for every list

# The council this deployment serves: the root of the org-unit tree (LA -> service -> team). The code is the
# DfE "old LA code" (e.g. 302), which is how DfE statistics and statutory returns name the council.
COUNCIL_CODE = env("COUNCIL_CODE", default="999")
COUNCIL_NAME = env("COUNCIL_NAME", default="Demo Borough Council")
# The portal's address as its users reach it: the links in the booklet's emails.
PORTAL_URL = env("PORTAL_URL", default="http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="performance-portal@localhost")
# Make the month's booklet editions when a month is published or restated (apps.scorecards.receivers).
BOOKLET_ON_PUBLISH = env.bool("BOOKLET_ON_PUBLISH", default=True)
# Seconds to wait after a restatement before making its editions (several sections may restate in turn).
BOOKLET_RESTATEMENT_DELAY = env.int("BOOKLET_RESTATEMENT_DELAY", default=300)

# Bundle import guards: an upload larger than this, or a zip entry that claims more, is refused before any
# byte is decompressed (zip-bomb guard).
BUNDLE_MAX_BYTES = env.int("BUNDLE_MAX_BYTES", default=1024 * 1024 * 1024)
# PostgreSQL: the memory a first load's index builds may sort in (SET LOCAL, that transaction only).
IMPORT_INDEX_BUILD_MB = env.int("IMPORT_INDEX_BUILD_MB", default=256)
BUNDLE_MAX_ENTRY_BYTES = env.int("BUNDLE_MAX_ENTRY_BYTES", default=512 * 1024 * 1024)
# Annex A workbook guards (apps/imports/statutory/annex_a.py), checked before openpyxl opens the file: its
# size, what its zip says it inflates to, and how far one large member is compressed (a real sheet's XML
# compresses 5-30 times; a zip bomb thousands).
ANNEX_A_MAX_BYTES = env.int("ANNEX_A_MAX_BYTES", default=100 * 1024 * 1024)
ANNEX_A_MAX_UNCOMPRESSED_BYTES = env.int("ANNEX_A_MAX_UNCOMPRESSED_BYTES", default=1024 * 1024 * 1024)
ANNEX_A_MAX_COMPRESSION_RATIO = env.int("ANNEX_A_MAX_COMPRESSION_RATIO", default=200)

# Statutory XML returns (CIN census, SSDA903 XML): the largest file read (it is parsed whole), and where the
# DfE's published XSDs are found (one or more folders, separated by ':'; never copied into the repository).
# An XSD is chosen by file name: *CIN_schema_<year>.xsd for the census, *CLA.xsd for the 903.
STATUTORY_XML_MAX_BYTES = env.int("STATUTORY_XML_MAX_BYTES", default=256 * 1024 * 1024)
_SAMPLE_SCHEMAS = [BASE_DIR.parent / "shared" / "samples" / name for name in ("cin_census", "ssda903")]
STATUTORY_SCHEMA_DIR = env(
    "STATUTORY_SCHEMA_DIR", default=":".join(str(p) for p in _SAMPLE_SCHEMAS if p.is_dir())
)

# Imports uploaded in the browser (/imports/new/): at most this many bytes an upload (every file together),
# kept until confirmed or discarded in a private folder that no URL serves (outside STATIC_ROOT and any
# media root), and discarded when left unconfirmed this many days (manage.py purge_uploads, daily task).
IMPORT_UPLOAD_MAX_BYTES = env.int("IMPORT_UPLOAD_MAX_BYTES", default=100 * 1000 * 1000)
IMPORT_UPLOAD_DIR = Path(env("IMPORT_UPLOAD_DIR", default=str(BASE_DIR / "var" / "uploads")))
IMPORT_UPLOAD_KEEP_DAYS = env.int("IMPORT_UPLOAD_KEEP_DAYS", default=7)
# An uploaded file larger than this goes to a temporary file on disk as it arrives, not into memory; the
# form's other fields (a few short values) stay under Django's default body limit.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o600

# Celery: with no REDIS_URL every task runs in-process (the demo and tests); with one, tasks go to a worker.
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 60 * 30
CELERY_TASK_SOFT_TIME_LIMIT = 60 * 25
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# With acks_late, a task whose worker died is redelivered once this many seconds have passed unacknowledged.
# It must exceed the longest task (a backfill), or a still-running task would be handed out twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=7 * 3600)
}
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

# REST API (apps/api): read-only, signed-in sessions only for now (no tokens), JSON only (no browsable API,
# whose pages would need inline scripts). Child-level endpoints add their own role check and access log.
REST_FRAMEWORK = {
    # Systems call with an API key (apps.accounts.tokens), people with their signed-in session.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.accounts.tokens.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}

# The API's OpenAPI 3 schema (drf-spectacular) at /api/schema/ and its docs page at /api/docs/, for signed-in
# users. Swagger UI's files come from the drf-spectacular-sidecar package, served as the portal's own static
# files (no CDN: portals run on closed networks).
SPECTACULAR_SETTINGS = {
    "TITLE": "Children's services performance portal API",
    "DESCRIPTION": (
        "Monthly KPI snapshots (aggregates: every signed-in role; small numbers suppressed for viewers) and "
        "child-level records (the roles that may see them, through the same access rules as the web pages; "
        "every call is in the access log)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}
