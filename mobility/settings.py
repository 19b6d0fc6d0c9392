"""One settings module for every run mode, driven by environment variables.

* Embedded default (``make run``, nothing configured): SQLite, a Celery worker on kombu's
  filesystem transport, media and mail under ``var/``.
* Production (``docker-compose.yml``): ``DEBUG=false`` and the variables listed in the README.
* Tests / CI: PostgreSQL and Redis on localhost (``DATABASE_URL`` and ``REDIS_URL``, set by ``make test``).
"""

import ipaddress
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(str(BASE_DIR / ".env"))

DEBUG = env.bool("DEBUG", default=True)
VAR_DIR = Path(env("VAR_DIR", default=str(BASE_DIR / "var")))


def _required(name: str) -> str:
    """A variable production cannot run without: a clear message instead of a half-configured site."""
    value = env(name, default="")
    if not value:
        raise ImproperlyConfigured(
            f"The environment variable {name} must be set when DEBUG is off (see README, Configuration)."
        )
    return value


if DEBUG:
    SECRET_KEY = env("SECRET_KEY", default="insecure-development-key-change-me-in-production-0123456789")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
else:
    SECRET_KEY = _required("SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[]) or [_required("ALLOWED_HOSTS")]

SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
if not DEBUG:
    # Certificates freeze this address in their QR code and credential: never a default.
    from mobility.site.addresses import site_url_problem

    _site_url_problem = site_url_problem(
        env("SITE_URL", default=""), plain_http_allowed=not env.bool("SECURE_SSL_REDIRECT", default=True)
    )
    if _site_url_problem:
        raise ImproperlyConfigured(f"SITE_URL: {_site_url_problem} (see README, Configuration).")

# The reverse proxies in front of the web server, as addresses or CIDR networks. X-Forwarded-For
# is believed only as far as they wrote it (partners/http.py): the client is the right-most
# address in it that is not one of them. Empty: nobody is trusted, REMOTE_ADDR is the client.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy.strip(), strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES: {_proxy!r} is not an IP address or network (see README, Configuration)."
        ) from None
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

# Demo mode relaxes what a newcomer would otherwise trip over (MFA enrolment for staff).
DEMO_MODE = env.bool("DEMO_MODE", default=DEBUG)

INSTALLED_APPS = [
    "partners",
    "mobility",
    "certification",
    "partners.apps.MobilityAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_countries",
    "django_htmx",
    "import_export",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "mobility.site.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "mobility.site.i18n.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "partners.accounts.middleware.SessionLifetimeMiddleware",
    "partners.accounts.middleware.MfaRequiredMiddleware",
    "partners.accounts.middleware.DeniedAccessAuditMiddleware",
]

ROOT_URLCONF = "mobility.urls"
FORMS_URLFIELD_ASSUME_HTTPS = True  # a website typed without a scheme is https
FORM_RENDERER = "mobility.site.rendering.FormRenderer"
WSGI_APPLICATION = "mobility.wsgi.application"
ASGI_APPLICATION = "mobility.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "builtins": ["partners.templatetags.dates"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mobility.site.context_processors.platform",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web process and the worker write at the same time: WAL and a busy timeout instead of
    # "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 5
    # The pages' queries join up to 13 tables through foreign keys (select_related), in an order that
    # is already the right one. With PostgreSQL's default limit (8) the planner spends 15-60 ms
    # searching join orders for a query that runs in 1 ms; at 4 it plans in 2-6 ms and chooses the same
    # plans (bench/README.md, "Findings"). 0 keeps the server's setting.
    _join_limit = env.int("DB_JOIN_COLLAPSE_LIMIT", default=4)
    if _join_limit:
        DATABASES["default"]["OPTIONS"]["options"] = (
            f"-c join_collapse_limit={_join_limit} -c from_collapse_limit={_join_limit}"
        )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "partners.User"

REDIS_URL = env("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="mobility"),
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    # Shared between the web server and the worker (rate limits must hold across processes).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Authentication ---------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = env.list(
    "PASSWORD_HASHERS",
    default=[
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    ],
)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "account_login"
PASSWORD_RESET_TIMEOUT = 3600  # reset links live one hour at most

ACCOUNT_ADAPTER = "partners.accounts.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 300
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if not DEBUG else "http"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env("MFA_TOTP_ISSUER", default="Mobility")
# Staff must enrol a second factor before using the platform (relaxed in demo mode).
MFA_REQUIRED_FOR_STAFF = env.bool("MFA_REQUIRED_FOR_STAFF", default=not DEMO_MODE)

# Failed logins allowed per account and per IP address within LOGIN_FAILURE_WINDOW seconds; the
# Django admin login shares these limits with the main login page.
LOGIN_FAILURE_LIMIT_PER_ACCOUNT = env.int("LOGIN_FAILURE_LIMIT_PER_ACCOUNT", default=5)
LOGIN_FAILURE_LIMIT_PER_IP = env.int("LOGIN_FAILURE_LIMIT_PER_IP", default=20)
LOGIN_FAILURE_WINDOW = env.int("LOGIN_FAILURE_WINDOW", default=900)
ACCOUNT_RATE_LIMITS = {
    # No per-address limit on logging in: allauth's would refuse the right password of everyone
    # behind one address. Ours (partners/lockout.py) asks that address for an e-mailed code instead.
    # The per-account one, which also bounds second-factor codes, matches ours.
    "login": None,
    "login_failed": f"{LOGIN_FAILURE_LIMIT_PER_ACCOUNT}/{LOGIN_FAILURE_WINDOW}s/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "request_login_code": "20/m/ip,3/m/key",
    "change_password": "5/m/user",
}

# Staff sessions: 30 minutes idle, 12 hours absolute.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_ABSOLUTE_TIMEOUT = env.int("SESSION_ABSOLUTE_TIMEOUT", default=12 * 3600)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "en"
# Tutors and learners read their pages and e-mails in their own language (DESIGN §4: French,
# English, German, Spanish, Italian at least).
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("de", _("German")),
    ("es", _("Spanish")),
    ("it", _("Italian")),
]
# One catalogue per language for the whole platform.
LOCALE_PATHS = [BASE_DIR / "mobility" / "locale"]
LANGUAGE_COOKIE_NAME = "mobility_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = env("TIME_ZONE", default="Europe/Paris")
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Media holds personal data: it is never served at a public URL, only through access-checked views.
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media-not-public/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 5_242_880
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
# The longest free text (a note, a comment, an agreement's text) a person may type, in characters.
TEXT_MAX_CHARS = env.int("TEXT_MAX_CHARS", default=10_000)

# --- E-mail -----------------------------------------------------------------------------------
# Production says where mail goes: no silent fallback that would print reset links and login codes
# to a log, or hand them to a mail catcher.
if DEBUG:
    EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
else:
    EMAIL_CONFIG = env.email_url_config(_required("EMAIL_URL"))
vars().update(EMAIL_CONFIG)
if DEBUG and not env("EMAIL_URL", default=""):
    # make run: one line per e-mail on the console, the text in full in var/outbox.txt
    # (EMAIL_URL=consolemail:// prints whole messages).
    EMAIL_BACKEND = "partners.emails.console.SummaryEmailBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Mobility <no-reply@mobility.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery -----------------------------------------------------------------------------------
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # A frozen or unreachable broker must not hang a web request: fail fast, the sweeper
        # publishes the job later.
        "socket_timeout": env.float("BROKER_SOCKET_TIMEOUT", default=3.0),
        "socket_connect_timeout": env.float("BROKER_CONNECT_TIMEOUT", default=2.0),
        "retry_on_timeout": False,
        "health_check_interval": 25,
        # Unacknowledged messages of a killed worker come back after this many seconds.
        "visibility_timeout": env.int("BROKER_VISIBILITY_TIMEOUT", default=3600),
    }
else:
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    for _folder in ("queue", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
#: Every module that defines tasks: workers import them at start (and so learn the tasks' names).
CELERY_IMPORTS = (
    "partners.emails.sweeps",
    "partners.emails.tasks",
    "mobility.data.sweeps",
    "mobility.data.tasks",
    "mobility.evaluations.tasks",
    "mobility.guests.tasks",
    "mobility.mobilities.tasks",
    "mobility.privacy.tasks",
    "mobility.quality.tasks",
    "mobility.site.tasks",
    "certification.tasks.groups",
    "certification.tasks.renders",
    "certification.tasks.sweeps",
)
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="mobility")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_MAX_TASKS_PER_CHILD = env.int("WORKER_MAX_TASKS_PER_CHILD", default=500)
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("WORKER_MAX_MEMORY_PER_CHILD_KB", default=400_000)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True  # the database rows are the truth, not a result backend
CELERY_TASK_TIME_LIMIT = 600
CELERY_TASK_SOFT_TIME_LIMIT = 540
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 2.0
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
# A render that outlives a broker hiccup finishes (its task is safe to deliver twice).
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
# Each worker also consumes its own queue: its pings go there (liveness through the queue).
CELERY_WORKER_DIRECT = True
# Beat runs the sweepers in its own process, not through the queue they sweep (mobility/celery.py).
CELERY_BEAT_SCHEDULER = "mobility.celery:Scheduler"
BEAT_RUN_IN_PROCESS = (
    "certification.tasks.republish_stale_jobs",
    "partners.tasks.republish_stale_emails",
    "mobility.data.republish_stale_jobs",
)
# A publish never holds a request longer than this; after a failed one, a process leaves the
# broker alone for BROKER_BACKOFF seconds and the sweepers publish what waits (partners/broker).
BROKER_PUBLISH_DEADLINE = env.float("BROKER_PUBLISH_DEADLINE", default=1.0)
BROKER_BACKOFF = env.float("BROKER_BACKOFF", default=5.0)
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "mobilities-follow-dates": {
        "task": "mobility.tasks.follow_dates",
        "schedule": crontab(hour="*/6", minute=5),
    },
    "republish-stale-emails": {
        "task": "partners.tasks.republish_stale_emails",
        "schedule": env.float("EMAIL_SWEEP_EVERY", default=30.0),
    },
    "clear-expired-sessions": {
        "task": "mobility.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=15),
    },
    # Tutors, learners and employers (mobility/evaluations.py).
    "send-tutor-reminders": {
        "task": "mobility.tasks.send_tutor_reminders",
        "schedule": crontab(hour=9, minute=30),
    },
    "evaluated-mobilities-follow": {
        "task": "mobility.tasks.evaluated_mobilities_follow",
        "schedule": crontab(hour="*/6", minute=20),
    },
    "send-participant-reports": {
        "task": "mobility.tasks.send_participant_reports",
        "schedule": crontab(hour=9, minute=40),
    },
    "apply-retention": {
        "task": "mobility.tasks.apply_retention",
        "schedule": crontab(hour=2, minute=45),
    },
    "republish-stale-document-jobs": {
        "task": "certification.tasks.republish_stale_jobs",
        "schedule": env.float("DOCUMENT_JOB_SWEEP_EVERY", default=10.0),
    },
}
# Document jobs (certificates, PDFs, bundles): the sweeper publishes again a job never published
# (broker down) after DOCUMENT_JOB_PUBLISH_GRACE seconds, and a job published or rendering for
# longer than DOCUMENT_JOB_STALE_AFTER seconds (lost message, dead worker). A job "rendering"
# for DOCUMENT_JOB_RENDERER_CHECK_AFTER seconds whose render lock nobody holds lost its renderer:
# it is published again at once.
DOCUMENT_JOB_PUBLISH_GRACE = env.int("DOCUMENT_JOB_PUBLISH_GRACE", default=10)
DOCUMENT_JOB_RENDERER_CHECK_AFTER = env.int("DOCUMENT_JOB_RENDERER_CHECK_AFTER", default=20)
DOCUMENT_JOB_STALE_AFTER = env.int("DOCUMENT_JOB_STALE_AFTER", default=600)
DOCUMENT_JOB_MAX_ATTEMPTS = env.int("DOCUMENT_JOB_MAX_ATTEMPTS", default=3)
DOCUMENT_JOB_BUNDLE_WAIT = env.int("DOCUMENT_JOB_BUNDLE_WAIT", default=120)
# A group with more certificates to issue than this has them issued by a worker, not in the request.
GROUP_ISSUE_IN_REQUEST = env.int("GROUP_ISSUE_IN_REQUEST", default=25)
# Storage limitation: learners are anonymised this many years after their last mobility ended
# (the Erasmus+ grant agreement asks beneficiaries to keep records five years after the final
# payment; centres may need longer for their own audits). Documents follow their type's period.
RETENTION_YEARS = env.int("RETENTION_YEARS", default=5)
# Abuse limits: exports (pages and API) and personal-data archives per user and hour. Rows served
# by API lists of personal data count against the same budget: this many rows make one export.
EXPORTS_PER_HOUR = env.int("EXPORTS_PER_HOUR", default=30)
API_LIST_ROWS_PER_EXPORT = env.int("API_LIST_ROWS_PER_EXPORT", default=500)
PERSONAL_DATA_EXPORTS_PER_HOUR = env.int("PERSONAL_DATA_EXPORTS_PER_HOUR", default=20)
# Public verification page: requests per minute and per address (uploads count separately).
VERIFY_RATE_PER_MINUTE = env.int("VERIFY_RATE_PER_MINUTE", default=30)
VERIFY_UPLOADS_PER_MINUTE = env.int("VERIFY_UPLOADS_PER_MINUTE", default=6)
# How often a worker records that it is alive, and when /healthz stops believing it.
WORKER_HEARTBEAT_INTERVAL = env.int("WORKER_HEARTBEAT_INTERVAL", default=15)
WORKER_HEARTBEAT_STALE_AFTER = env.int("WORKER_HEARTBEAT_STALE_AFTER", default=60)
# A worker whose ping to itself waits this long while a pool process is free restarts itself.
WORKER_STALL_AFTER = env.int("WORKER_STALL_AFTER", default=45)

# --- REST API ---------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # A token for scripts, the session for the platform's own pages; the first one named answers
    # 401 with a WWW-Authenticate header to a call without credentials.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "mobility.api.authentication.BearerTokenAuthentication",
        "mobility.api.authentication.BrowserSessionAuthentication",
    ],
    # Authenticated, member of a centre or network, scoped by the selectors; never AllowAny
    # outside the allow-list in mobility/api/docs.py (a test walks every route).
    "DEFAULT_PERMISSION_CLASSES": ["mobility.api.permissions.ScopedMember"],
    "DEFAULT_THROTTLE_CLASSES": [
        "mobility.api.throttling.TokenRateThrottle",
        "mobility.api.throttling.SessionUserRateThrottle",
        "mobility.api.throttling.AnonymousRateThrottle",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["mobility.api.parsers.JSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "mobility.api.negotiation.JsonFallbackNegotiation",
    "DEFAULT_SCHEMA_CLASS": "mobility.api.schema.ApiAutoSchema",
    "DEFAULT_PAGINATION_CLASS": "mobility.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "mobility.api.errors.api_exception_handler",
    "URL_FORMAT_OVERRIDE": None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
#: Requests per token, per browser session user, per anonymous address; heavy = starting
#: background work (certificates, exports). Read at each request: tests and operators may change them.
API_THROTTLE_RATES = {
    "token": env("API_RATE_PER_TOKEN", default="120/minute"),
    "session": env("API_RATE_PER_SESSION", default="240/minute"),
    "anonymous": env("API_RATE_ANONYMOUS", default="30/minute"),
    "heavy": env("API_RATE_HEAVY", default="30/minute"),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Mobility platform API",
    "DESCRIPTION": (
        "Learners, mobilities, partners, documents and certificates of the training centres you can see.\n\n"
        "**Authentication**: `Authorization: Bearer <token>` with a personal API token created on your "
        "account settings page (My account → API tokens). A token acts as you: same centres, same role, "
        "and only what its scopes allow, chosen when it is created: `read` (GET), `write` (anything "
        "else), `documents` (file downloads); a request outside them is a 403.\n\n"
        "**Errors** all have one shape: `{status, code, detail, errors: [{field, code, message}]}`, "
        "in the language of `Accept-Language` (en, fr).\n\n"
        "**Lists** are paginated (`page`, `page_size` up to 500), filterable (unknown filters are a 400) "
        "and sortable (`ordering`). `updated_since` gives what changed since your last synchronisation.\n\n"
        "**Personal data** (learners, mobilities, documents, contacts): pages of more than 100 rows need "
        "the export capability; every page is audited with its row count and filters, and its rows count "
        "against your hourly export budget (`API_LIST_ROWS_PER_EXPORT` rows make one of the "
        "`EXPORTS_PER_HOUR` exports): past it, a 429 with `Retry-After`. For a whole file, request an export."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "persistAuthorization": False},
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "MobilityStatusEnum": "mobility.mobilities.models.MobilityStatus",
        "AgreementStatusEnum": "mobility.agreements.models.AgreementStatus",
        "EvaluationStatusEnum": "mobility.evaluations.models.EvaluationStatus",
        "EvaluationKindEnum": "mobility.evaluations.models.EvaluationKind",
        "ParticipantKindEnum": "mobility.catalogue.models.ParticipantKind",
        "CountryEnum": "django_countries.countries",
        "AgreementAnswerEnum": "mobility.recruitment.models.Answer",
    },
}

# --- The centre's electronic seal (certification/seal.py; README, "Sealing and signing") -------
# A PKCS#12 file and its password, or a PEM certificate (chain after it) and key; none: a
# demonstration seal generated under SEAL_DIR, named as such on every document it seals.
SEAL_PKCS12_FILE = env("SEAL_PKCS12_FILE", default="")
SEAL_PKCS12_PASSWORD = env("SEAL_PKCS12_PASSWORD", default="")
SEAL_CERT_FILE = env("SEAL_CERT_FILE", default="")
SEAL_KEY_FILE = env("SEAL_KEY_FILE", default="")
SEAL_KEY_PASSWORD = env("SEAL_KEY_PASSWORD", default="")
SEAL_DIR = env("SEAL_DIR", default=str(VAR_DIR / "seal"))

# --- Security ---------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

ADMINS = [("Administrators", a) for a in env.list("ADMIN_EMAILS", default=[])]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {
        "refusals": {"()": "mobility.site.logs.RefusalWithoutTraceback"},
        "routine": {"()": "mobility.site.logs.RoutineTasksQuiet"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["routine"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.request": {"filters": ["refusals"]},
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "WARNING"},
    },
}
ADMIN_URL = env("ADMIN_URL", default="admin/")

# --- Imports and exports ----------------------------------------------------------------------
# An uploaded spreadsheet: its size, its rows, and (XLSX is a ZIP) what it unpacks to.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=10 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=50_000)
IMPORT_XLSX_MAX_UNCOMPRESSED = env.int("IMPORT_XLSX_MAX_UNCOMPRESSED", default=100 * 1024 * 1024)
# Files with more rows than this are checked and imported by a worker, with a progress bar.
IMPORT_INLINE_MAX_ROWS = env.int("IMPORT_INLINE_MAX_ROWS", default=500)
# Exports of more rows than this are written by a worker.
EXPORT_INLINE_MAX_ROWS = env.int("EXPORT_INLINE_MAX_ROWS", default=2_000)
# Finished export files and import uploads are deleted after this many days.
DATA_FILES_KEEP_DAYS = env.int("DATA_FILES_KEEP_DAYS", default=7)
# django-import-export (admin screens): only formats that go through our formula-neutralising writer.
from mobility.data.spreadsheets import SafeCSV, SafeXLSX  # noqa: E402

IMPORT_EXPORT_FORMATS = [SafeCSV, SafeXLSX]
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
# Imports and exports whose publication never went through are published again after
# DATA_JOB_PUBLISH_GRACE seconds; the sweep runs in the beat process every DATA_JOB_SWEEP_EVERY.
DATA_JOB_PUBLISH_GRACE = env.int("DATA_JOB_PUBLISH_GRACE", default=10)
CELERY_BEAT_SCHEDULE["data-republish-stale-jobs"] = {
    "task": "mobility.data.republish_stale_jobs",
    "schedule": env.float("DATA_JOB_SWEEP_EVERY", default=10.0),
}
CELERY_BEAT_SCHEDULE["data-purge-old-files"] = {
    "task": "mobility.data.purge_old_files",
    "schedule": crontab(hour=3, minute=40),
}
