"""A worker loads a library only when a request or a setting needs it.

Each of these costs every gunicorn worker megabytes (``python -m bench`` reports peak RSS per
worker); most requests never use them.
"""

import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

#: Libraries only some commands or requests need; each costs a worker megabytes.
LOADED_ON_DEMAND = (
    "flask_migrate",
    "alembic",
    "mako",
    "webauthn",
    "cryptography",
    "authlib",
    "requests",
)


def _modules_after(code: str, tmp_path, **settings: str) -> set[str]:
    """Run ``code`` in a fresh interpreter that imported the app; return its top-level modules."""
    script = (
        "import json, sys\n"
        "from app import app\n"
        f"{code}\n"
        "print(json.dumps(sorted({name.split('.')[0] for name in sys.modules})))\n"
    )
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite:///{tmp_path / 'worker.sqlite3'}",
        SECRET_KEY="worker imports test key",
        PUBLIC_URL="http://localhost",
        COOKIE_SECURE="false",
    )
    env.update({"OIDC_PROVIDERS": ""}, **settings)
    run = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    return set(json.loads(run.stdout.splitlines()[-1]))


def test_a_worker_serving_pages_loads_no_library_it_does_not_use(tmp_path):
    loaded = _modules_after(
        "client = app.test_client()\n"
        "for path in ('/healthz', '/sign-in', '/sign-up', '/api/auth/session'):\n"
        "    assert client.get(path).status_code == 200, path\n",
        tmp_path,
    )

    assert loaded.isdisjoint(LOADED_ON_DEMAND), loaded & set(LOADED_ON_DEMAND)


def test_the_first_passkey_ceremony_loads_py_webauthn(tmp_path):
    loaded = _modules_after(
        "from myapp.migrate import upgrade\n"
        "upgrade(app)\n"
        "with app.test_request_context():\n"
        "    from myapp.passkeys import ceremony\n"
        "    ceremony.authentication_options('sign-in', None)\n",
        tmp_path,
    )

    assert {"webauthn", "cryptography"} <= loaded


def test_configured_openid_providers_load_authlib_at_start(tmp_path):
    loaded = _modules_after(
        "",
        tmp_path,
        OIDC_PROVIDERS="google",
        OIDC_GOOGLE_CLIENT_ID="client",
        OIDC_GOOGLE_CLIENT_SECRET="secret",
    )

    assert "authlib" in loaded
