"""Idempotent demo data: runs the ``demo.seed`` of every app, base layer first."""

from importlib import import_module
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

DEMO_APPS = ("partners", "mobility", "certification")


def _demo_module(app: str) -> Any:
    """The app's ``demo.seed`` (a demo package) or ``demo`` (a module), if it has one."""
    for name in (f"{app}.demo.seed", f"{app}.demo"):
        try:
            module = import_module(name)
        except ModuleNotFoundError:
            continue
        if hasattr(module, "seed"):
            return module
    return None


class Command(BaseCommand):
    help = "Create (or complete) the demo data: fictional centres, partners, learners and accounts."

    def handle(self, *args, **options):
        context: dict = {"stdout": self.stdout}
        for label in DEMO_APPS:
            app = apps.get_app_config(label)
            module = _demo_module(app.name)
            if module is None:
                continue
            with transaction.atomic():
                module.seed(context)
        for label in DEMO_APPS:
            module = _demo_module(label)
            if module is None:
                continue
            if hasattr(module, "after_commit"):
                module.after_commit(context)
        self.print_logins(context)

    def print_logins(self, context: dict) -> None:
        logins = context.get("logins", [])
        if not logins:
            return
        lines = [f"Demo logins (password for all: {context['password']})"]
        lines += [f"  {email:<36} {description}" for email, description in logins]
        lines += list(context.get("notes", []))
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(lines[0]))
        for line in lines[1:]:
            self.stdout.write(line)
        self.stdout.write("")
        # run_platform prints them again once the server answers, after the worker's first messages.
        path = summary_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def summary_path() -> Path:
    return Path(settings.VAR_DIR) / "demo-logins.txt"
