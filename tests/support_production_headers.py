"""Run by tests/test_settings.py in a process of its own, with production settings (DEBUG off):
logs a learner's referent in through the real login form over HTTPS and prints, as JSON, the
headers and cookies of the answers a browser gets."""

import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mobility.settings")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings, setup_test_environment  # noqa: E402

setup_test_environment()
# The one departure from production: static files are not collected here (no manifest to read).
override_settings(
    STORAGES={
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
).enable()
# The password is set here, with this process's password hashers (the tests use faster ones).
from partners.accounts.models import User  # noqa: E402

account = User.objects.get(email=sys.argv[1])
account.set_password(sys.argv[2])
account.save(update_fields=["password"])
host = "mobility.example"
client = Client(HTTP_HOST=host)
answers = {}
login = client.get("/accounts/login/", secure=True)
answers["login"] = {"status": login.status_code, "headers": dict(login.headers)}
plain = client.get("/accounts/login/", secure=False)
answers["http"] = {"status": plain.status_code, "location": plain.get("Location", "")}
cookies = {
    name: {
        "secure": bool(morsel["secure"]),
        "httponly": bool(morsel["httponly"]),
        "samesite": morsel["samesite"],
    }
    for name, morsel in login.cookies.items()
}
posted = client.post(
    "/accounts/login/",
    {"login": sys.argv[1], "password": sys.argv[2]},
    secure=True,
)
answers["post"] = {"status": posted.status_code, "location": posted.get("Location", "")}
for name, morsel in posted.cookies.items():
    cookies[name] = {
        "secure": bool(morsel["secure"]),
        "httponly": bool(morsel["httponly"]),
        "samesite": morsel["samesite"],
    }
page = client.get("/learners/", secure=True)
answers["learners"] = {"status": page.status_code, "headers": dict(page.headers)}
static = client.get("/healthz", secure=True)
answers["healthz"] = {"status": static.status_code}
answers["cookies"] = cookies
print(json.dumps(answers))
