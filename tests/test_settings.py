"""Settings from the environment: the embedded default, and a production mode that is safe."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

PROJECT = settings.BASE_DIR
STRONG_KEY = "q7#Vt2!pZ9rL0wX4@mN6$kB8^cF1&hJ3*sD5(gY7)uA9-eR2+oI4=lK6~"


def manage(*args: str, **environment: str) -> subprocess.CompletedProcess:
    """Run manage.py in a clean environment, as a fresh deployment would."""
    env = {"PATH": os.environ["PATH"], **environment}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_without_secret_key_refuses_to_start():
    result = manage("check", DJANGO_ENV="production", ALLOWED_HOSTS="portal.example.nhs.uk")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DJANGO_ENV=production" in result.stderr


def test_production_without_allowed_hosts_refuses_to_start():
    result = manage("check", DJANGO_ENV="production", SECRET_KEY=STRONG_KEY)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_production_passes_deploy_check_with_zero_warnings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="portal.example.nhs.uk",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_unknown_environment_name_is_refused():
    result = manage("check", DJANGO_ENV="staging")
    assert result.returncode != 0
    assert "DJANGO_ENV must be 'development' or 'production'" in result.stderr


def test_embedded_default_is_sqlite_in_project_folder_with_in_process_tasks():
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='maturity_portal.settings';"
        "django.setup(); from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'],"
        " s.CELERY_TASK_ALWAYS_EAGER, s.DEBUG)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT,
        env={"PATH": os.environ["PATH"]},
        capture_output=True,
        text=True,
        check=True,
    )
    engine, name, eager, debug = result.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert name == str(PROJECT / "db.sqlite3")
    assert (eager, debug) == ("True", "False")


def settings_from(*names: str, **environment: str) -> dict:
    """The named settings as a fresh process started with this environment sees them."""
    code = (
        "import django, json, os; os.environ['DJANGO_SETTINGS_MODULE']='maturity_portal.settings';"
        "django.setup(); from django.conf import settings as s;"
        f"print(json.dumps({{name: getattr(s, name) for name in {list(names)!r}}}, default=str))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT,
        env={"PATH": os.environ["PATH"], **environment},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_sessions_time_out_after_an_hour_idle_and_end_with_the_browser_by_default():
    assert settings_from(
        "SESSION_COOKIE_AGE", "SESSION_REFRESH_SECONDS", "SESSION_EXPIRE_AT_BROWSER_CLOSE"
    ) == {
        "SESSION_COOKIE_AGE": 3600,
        "SESSION_REFRESH_SECONDS": 60,
        "SESSION_EXPIRE_AT_BROWSER_CLOSE": True,
    }


def test_session_lifetime_comes_from_the_environment():
    found = settings_from("SESSION_COOKIE_AGE", SESSION_LIFETIME_MINUTES="20")
    assert found == {"SESSION_COOKIE_AGE": 1200}


def test_sign_in_throttling_defaults_to_five_failures_and_fifteen_minutes():
    assert settings_from("AXES_FAILURE_LIMIT", "AXES_COOLOFF_TIME", "AXES_LOCKOUT_PARAMETERS") == {
        "AXES_FAILURE_LIMIT": 5,
        "AXES_COOLOFF_TIME": "0:15:00",
        "AXES_LOCKOUT_PARAMETERS": ["username", "ip_address"],
    }


def test_sign_in_throttling_comes_from_the_environment():
    found = settings_from(
        "AXES_FAILURE_LIMIT",
        "AXES_COOLOFF_TIME",
        "SIGN_IN_LOCKOUT_MINUTES",
        SIGN_IN_FAILURE_LIMIT="3",
        SIGN_IN_LOCKOUT_MINUTES="30",
    )
    assert found == {
        "AXES_FAILURE_LIMIT": 3,
        "AXES_COOLOFF_TIME": "0:30:00",
        "SIGN_IN_LOCKOUT_MINUTES": 30,
    }


@pytest.mark.parametrize(
    "variable", ["SESSION_LIFETIME_MINUTES", "SIGN_IN_FAILURE_LIMIT", "SIGN_IN_LOCKOUT_MINUTES"]
)
def test_zero_session_lifetime_or_throttling_is_refused(variable):
    result = manage("check", **{variable: "0"})
    assert result.returncode != 0
    assert f"{variable} must be a whole number of at least 1." in result.stderr


PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": STRONG_KEY,
    "ALLOWED_HOSTS": "portal.nhs.uk",
}


def test_forwarded_addresses_are_trusted_from_one_proxy_in_production_only():
    assert settings_from("TRUSTED_PROXY_COUNT", **PRODUCTION) == {"TRUSTED_PROXY_COUNT": 1}
    assert settings_from("TRUSTED_PROXY_COUNT", TRUSTED_PROXY_COUNT="2", **PRODUCTION) == {
        "TRUSTED_PROXY_COUNT": 2
    }
    assert settings_from("TRUSTED_PROXY_COUNT", TRUSTED_PROXY_COUNT="2") == {
        "TRUSTED_PROXY_COUNT": 0
    }


def test_negative_proxy_count_is_refused():
    result = manage("check", TRUSTED_PROXY_COUNT="-1", **PRODUCTION)
    assert result.returncode != 0
    assert "TRUSTED_PROXY_COUNT must be 0 or more." in result.stderr
