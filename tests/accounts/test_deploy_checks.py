"""`manage.py check --deploy` under the production settings reports nothing, warnings included (CI runs the
same through `make check`)."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def run_check(*extra_env):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SECRET_KEY": "deploy-check-only-" + "k" * 50 + "-not-a-real-secret-0123456789",
        "DJANGO_SETTINGS_MODULE": "portal.settings.prod",
        **dict(extra_env),
    }
    return subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_under_prod_settings():
    result = run_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_prod_settings_refuse_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env["DJANGO_SETTINGS_MODULE"] = "portal.settings.prod"
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_prod_security_settings():
    """The values `check --deploy` looks for, and the portal's own: read from the prod module directly."""
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [
            sys.executable,
            "-c",
            "import django, json; django.setup(); from django.conf import settings as s; print(json.dumps({"
            "'ssl': s.SECURE_SSL_REDIRECT, 'hsts': s.SECURE_HSTS_SECONDS, 'sub': s.SECURE_HSTS_INCLUDE_SUBDOMAINS,"
            "'scookie': s.SESSION_COOKIE_SECURE, 'ccookie': s.CSRF_COOKIE_SECURE, 'http': s.SESSION_COOKIE_HTTPONLY,"
            "'close': s.SESSION_EXPIRE_AT_BROWSER_CLOSE, 'idle': s.SESSION_IDLE_TIMEOUT_SECONDS,"
            "'debug': s.DEBUG, 'csp': s.CONTENT_SECURITY_POLICY['DIRECTIVES']['script-src'],"
            "'axes': s.AXES_FAILURE_LIMIT, 'cool': s.AXES_COOLOFF_TIME.total_seconds(),"
            "'mw': s.MIDDLEWARE}))",
        ],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
            "DJANGO_SECRET_KEY": "x" * 60,
            "DJANGO_SETTINGS_MODULE": "portal.settings.prod",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    import json

    s = json.loads(result.stdout.strip().splitlines()[-1])
    assert s["ssl"] and s["hsts"] >= 31536000 and s["sub"]
    assert s["scookie"] and s["ccookie"] and s["http"] and s["close"]
    assert s["idle"] == 1800 and not s["debug"]
    assert s["csp"] == ["'self'"]
    assert (s["axes"], s["cool"]) == (5, 1800)
    for needed in (
        "csp.middleware.CSPMiddleware",
        "django_otp.middleware.OTPMiddleware",
        "apps.accounts.middleware.IdleTimeoutMiddleware",
        "apps.accounts.middleware.TwoFactorRequiredMiddleware",
        "axes.middleware.AxesMiddleware",
    ):
        assert needed in s["mw"]
    assert s["mw"][-1] == "axes.middleware.AxesMiddleware"
