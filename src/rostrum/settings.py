"""Settings, all from environment variables with safe defaults.

Nothing set: SQLite under var/, local files, in-memory channel layer and cache, console e-mail.
DATABASE_URL switches the database (PostgreSQL or another SQLite file), REDIS_URL the cache and channel layer.
Production mode (ROSTRUM_DEBUG=0) refuses to start without ROSTRUM_SECRET_KEY.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP


def env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("ROSTRUM_VAR_DIR", Path.cwd() / "var")).resolve()

DEBUG = env_flag("ROSTRUM_DEBUG", True)
SECRET_KEY = os.environ.get("ROSTRUM_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "ROSTRUM_SECRET_KEY is not set. Production mode (ROSTRUM_DEBUG=0) needs a long random secret "
            "key, e.g. python -c 'import secrets; print(secrets.token_urlsafe(64))'."
        )
    SECRET_KEY = "insecure-development-key-only-for-ROSTRUM_DEBUG-1-never-in-production"  # noqa: S105 - debug only

ALLOWED_HOSTS = env_list("ROSTRUM_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("ROSTRUM_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "channels",
    "django_tasks_db",
    "django_countries",
    # Rostrum's apps, in their dependency order (docs/architecture.md).
    "rostrum.core",
    "rostrum.accounts",
    "rostrum.programme",
    "rostrum.memberships",
    "rostrum.registration",
    "rostrum.streaming",
    "rostrum.cme",
    "rostrum.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "rostrum.urls"
WSGI_APPLICATION = "rostrum.wsgi.application"
ASGI_APPLICATION = "rostrum.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # accounts' templates come before the app directories: allauth is installed ahead of our apps and its
        # own layouts would otherwise win over the ones that give its pages the site's look.
        "DIRS": [BASE_DIR / "templates", BASE_DIR / "accounts" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "rostrum.core.context_processors.site",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL says otherwise.
DATABASE_URL = os.environ.get("DATABASE_URL") or ""
if not DATABASE_URL:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASE_URL = f"sqlite:///{VAR_DIR / 'rostrum.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let a demo server, a task worker and tests write side by side.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("ROSTRUM_TEST_SQLITE_NAME") or None}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [REDIS_URL]}}
    }
    # Every signed-in request reads its session: from Redis, written through to the database. Only with a
    # shared cache: a per-process cache would keep serving a session another process has ended.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "rostrum"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Background work: django.tasks with the database backend and its worker (`rostrum db_worker`).
# ROSTRUM_TASKS=immediate runs tasks inline, which tests and the single-process demo use.
TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend"
        if os.environ.get("ROSTRUM_TASKS", "database") == "immediate"
        else "django_tasks_db.DatabaseBackend"
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("ROSTRUM_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_ADAPTER = "rostrum.accounts.adapter.AccountAdapter"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English")]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
if DEBUG:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing root while debugging
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# Programme exports (schedule.xml, .ics, ...) are kept here per programme version and served by sendfile.
ROSTRUM_EXPORT_CACHE_DIR = Path(os.environ.get("ROSTRUM_EXPORT_CACHE_DIR", VAR_DIR / "exports"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("ROSTRUM_MEDIA_ROOT", VAR_DIR / "media"))
# Files only their owner and staff may read (membership proofs); never served as media. Shared by all workers.
ROSTRUM_PRIVATE_MEDIA_ROOT = Path(os.environ.get("ROSTRUM_PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))

# E-mail: printed to the console while debugging, SMTP (ROSTRUM_EMAIL_HOST, ...) in production.
EMAIL_BACKEND_PATH = os.environ.get(
    "ROSTRUM_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_PATH}}
if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": os.environ.get("ROSTRUM_EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("ROSTRUM_EMAIL_PORT", "25")),
        "username": os.environ.get("ROSTRUM_EMAIL_HOST_USER", ""),
        "password": os.environ.get("ROSTRUM_EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_flag("ROSTRUM_EMAIL_USE_TLS", False),
    }
DEFAULT_FROM_EMAIL = os.environ.get("ROSTRUM_FROM_EMAIL", "Rostrum <noreply@localhost>")

# The seller printed on invoices, and the country whose VAT rules apply to its sales (taxes.py).
ROSTRUM_SELLER = {
    "name": os.environ.get("ROSTRUM_SELLER_NAME", "European Society of Radiology"),
    "address": os.environ.get("ROSTRUM_SELLER_ADDRESS", "Am Gestade 1\n1010 Vienna"),
    "country": os.environ.get("ROSTRUM_SELLER_COUNTRY", "AT"),
    "vat_id": os.environ.get("ROSTRUM_SELLER_VAT_ID", ""),
    "email": os.environ.get("ROSTRUM_SELLER_EMAIL", "office@example.org"),
    "bank": os.environ.get("ROSTRUM_SELLER_BANK", "IBAN AT00 0000 0000 0000 0000 · BIC EXAMPLEXXX"),
}
# How long a pending (unpaid) order holds its seats before it expires, by payment provider, in hours.
ROSTRUM_ORDER_EXPIRY_HOURS = int(os.environ.get("ROSTRUM_ORDER_EXPIRY_HOURS", "336"))

# A strict Content-Security-Policy: our own scripts and styles only, no inline code, no CDN.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "media-src": [CSP.SELF, "blob:", "https:"],
    "frame-src": [CSP.SELF, "https:"],
    "connect-src": [CSP.SELF, "ws:", "wss:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# Behind a TLS-terminating reverse proxy in production.
HTTPS = env_flag("ROSTRUM_HTTPS", not DEBUG)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("ROSTRUM_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Rostrum API",
    "DESCRIPTION": "Programme, registration, streaming and CME of medical congresses.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ROSTRUM_LOG_LEVEL", "WARNING")},
}

# Shown on pages and certificates; a society sets its own.
ROSTRUM_SITE_NAME = os.environ.get("ROSTRUM_SITE_NAME", "Rostrum")
ROSTRUM_SOCIETY_NAME = os.environ.get("ROSTRUM_SOCIETY_NAME", "European Society of Radiology")
# Where the site is reached from outside: calendar and spreadsheet exports carry absolute links.
ROSTRUM_BASE_URL = os.environ.get("ROSTRUM_BASE_URL", "http://127.0.0.1:8000")
