"""Settings read from the environment.

Every setting is documented with ``#:`` and can be overridden by ``create_app(test_config)``.
Nothing here has a production fallback for ``SECRET_KEY``: an app started without one outside
debug or testing refuses to start rather than sign cookies with a guessable key.
"""

import os

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean environment variable, failing loudly on anything unrecognised."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise RuntimeError(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    """Read a positive integer environment variable, failing loudly on anything else."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise RuntimeError(f"{name} must be a whole number, not {raw!r}") from None
    if value <= 0:
        raise RuntimeError(f"{name} must be positive, not {value}")
    return value


def from_environment() -> dict:
    """Return the settings taken from the process environment."""
    return {
        #: Signs Flask's own cookie (CSRF secret and flash messages). Required outside debug.
        "SECRET_KEY": os.environ.get("SECRET_KEY") or None,
        #: SQLAlchemy URL (``postgresql+psycopg://...``). Default: SQLite in instance/.
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL") or None,
        #: Seconds of inactivity after which a session ends (sliding expiry).
        "SESSION_MAX_AGE": env_int("SESSION_MAX_AGE", 30 * 24 * 3600),
        #: Seconds between writes that slide a session's expiry and record its last activity.
        "SESSION_UPDATE_AGE": env_int("SESSION_UPDATE_AGE", 3600),
        #: Seconds after sign-in at which a session ends however active it is.
        "SESSION_ABSOLUTE_MAX_AGE": env_int("SESSION_ABSOLUTE_MAX_AGE", 90 * 24 * 3600),
        #: Seconds between the checks an open, visible signed-in page makes that its session
        #: still lives; when it has ended, the page goes to sign in without a click.
        "SESSION_CHECK_INTERVAL": env_int("SESSION_CHECK_INTERVAL", 30),
        #: Seconds a confirmed password keeps sensitive actions unlocked ("sudo mode").
        "SUDO_MAX_AGE": env_int("SUDO_MAX_AGE", 2 * 3600),
        #: Failed sign-ins for one email within 15 minutes before further attempts get 429.
        "SIGN_IN_LIMIT_PER_EMAIL": env_int("SIGN_IN_LIMIT_PER_EMAIL", 10),
        #: Failed sign-ins from one IP address within 15 minutes before it gets 429.
        "SIGN_IN_LIMIT_PER_IP": env_int("SIGN_IN_LIMIT_PER_IP", 100),
        #: Sign-ups from one IP address within an hour before it gets 429.
        "SIGN_UP_LIMIT_PER_IP": env_int("SIGN_UP_LIMIT_PER_IP", 20),
        #: Send cookies only over HTTPS, under the ``__Host-`` prefix. False for plain-HTTP dev.
        "COOKIE_SECURE": env_bool("COOKIE_SECURE", True),
        #: werkzeug password hash method; tests lower the scrypt cost, production keeps this.
        "PASSWORD_HASH_METHOD": os.environ.get("PASSWORD_HASH_METHOD") or "scrypt",
        #: Seconds an invitation link stays valid (default 7 days).
        "INVITATION_MAX_AGE": env_int("INVITATION_MAX_AGE", 7 * 24 * 3600),
        #: Pending invitations one organization may have at once.
        "INVITATION_LIMIT_PER_ORGANIZATION": env_int("INVITATION_LIMIT_PER_ORGANIZATION", 100),
        #: Invitations (resends included) one admin may send within an hour before 429.
        "INVITATION_LIMIT_PER_ADMIN": env_int("INVITATION_LIMIT_PER_ADMIN", 30),
        #: The site's origin (``https://app.example.com``): every link in mail is built from it,
        #: never from the request's Host header. Required outside debug and testing.
        "PUBLIC_URL": os.environ.get("PUBLIC_URL") or None,
        #: Flask-Mailman backend: ``smtp``, ``console``, ``file`` or ``locmem``. Default: ``smtp``,
        #: or ``file`` (into ``MAIL_FILE_PATH``) in debug mode, so ``make run`` needs no server.
        "MAIL_BACKEND": os.environ.get("MAIL_BACKEND") or None,
        #: SMTP server host and port.
        "MAIL_SERVER": os.environ.get("MAIL_SERVER") or "localhost",
        "MAIL_PORT": env_int("MAIL_PORT", 25),
        #: STARTTLS after connecting (usually port 587), or TLS from the start (port 465).
        "MAIL_USE_TLS": env_bool("MAIL_USE_TLS", False),
        "MAIL_USE_SSL": env_bool("MAIL_USE_SSL", False),
        #: SMTP credentials; unset for a server that needs none.
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        #: The From address of every message.
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER")
        or "myapp <no-reply@localhost>",
        #: Folder the ``file`` backend writes messages to. Default: ``instance/mail``.
        "MAIL_FILE_PATH": os.environ.get("MAIL_FILE_PATH") or None,
        #: Seconds to wait for the SMTP server before giving up (the action still completes).
        "MAIL_TIMEOUT": env_int("MAIL_TIMEOUT", 10),
        #: Seconds an email verification or change-of-email link stays valid.
        "EMAIL_VERIFICATION_MAX_AGE": env_int("EMAIL_VERIFICATION_MAX_AGE", 24 * 3600),
        #: Seconds a password reset link stays valid.
        "PASSWORD_RESET_MAX_AGE": env_int("PASSWORD_RESET_MAX_AGE", 3600),
        #: Password reset requests for one email, and from one IP, within an hour before 429.
        "PASSWORD_RESET_LIMIT_PER_EMAIL": env_int("PASSWORD_RESET_LIMIT_PER_EMAIL", 5),
        "PASSWORD_RESET_LIMIT_PER_IP": env_int("PASSWORD_RESET_LIMIT_PER_IP", 20),
        #: OpenID Connect providers to sign in with (``google,microsoft,okta``); for each name N,
        #: ``OIDC_<N>_ISSUER``, ``OIDC_<N>_CLIENT_ID``, ``OIDC_<N>_CLIENT_SECRET`` and an optional
        #: ``OIDC_<N>_LABEL`` (see myapp/oidc/providers.py). None: no provider buttons or routes.
        **{name: value for name, value in os.environ.items() if name.startswith("OIDC_")},
        #: Number of proxies in front of the app whose X-Forwarded-For is trusted (0: none).
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES") or 0),
        #: WebAuthn relying-party id; default: the host name of ``PUBLIC_URL``.
        "WEBAUTHN_RP_ID": os.environ.get("WEBAUTHN_RP_ID") or None,
        #: Comma-separated Fernet keys for TOTP secrets, newest first; default: derived from
        #: ``SECRET_KEY``. Older keys still decrypt (see ``flask two-factor rotate-key``).
        "TOTP_ENCRYPTION_KEYS": os.environ.get("TOTP_ENCRYPTION_KEYS") or None,
        # Flask's own cookie carries only the CSRF secret and flash messages; its name and
        # Secure flag follow COOKIE_SECURE (see ``apply_cookie_settings``).
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_PATH": "/",
        "SESSION_COOKIE_DOMAIN": None,
        #: Largest request body accepted, in bytes; larger ones get 413.
        "MAX_CONTENT_LENGTH": 64 * 1024,
        "MAX_FORM_MEMORY_SIZE": 64 * 1024,
        # The CSRF token lives as long as the Flask cookie (rotated at every sign-in).
        "WTF_CSRF_TIME_LIMIT": None,
        # No pre-ping round trip per request: myapp.database spots dropped connections itself.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": False},
        #: ``pgbouncer`` when DATABASE_URL points at PgBouncer in transaction mode (see deploy/).
        "DATABASE_POOLER": os.environ.get("DATABASE_POOLER") or None,
        #: Seconds to wait for a PostgreSQL connection before answering 503.
        "DATABASE_CONNECT_TIMEOUT": env_int("DATABASE_CONNECT_TIMEOUT", 5),
        #: ``json`` for one JSON object per request log line; anything else logs plain text.
        "LOG_FORMAT": os.environ.get("LOG_FORMAT") or "text",
        #: This instance's name, sent as ``X-Instance`` and logged (unset: no header).
        "INSTANCE_NAME": os.environ.get("INSTANCE_NAME") or None,
    }


def apply_cookie_settings(config) -> None:
    """Derive both cookies' names and Secure flag from ``COOKIE_SECURE``.

    A ``__Host-`` prefix makes the browser refuse the cookie unless it is Secure, has Path=/ and
    no Domain, so neither a subdomain nor a plain-HTTP page can set or shadow it.
    """
    secure = bool(config["COOKIE_SECURE"])
    prefix = "__Host-" if secure else ""
    #: Name of the cookie that holds the opaque session token.
    config.setdefault("SESSION_TOKEN_COOKIE_NAME", f"{prefix}session_token")
    #: Name of the long-lived cookie that tells one browser from another (known devices).
    config.setdefault("DEVICE_COOKIE_NAME", f"{prefix}device")
    config["SESSION_COOKIE_NAME"] = f"{prefix}flask"
    config["SESSION_COOKIE_SECURE"] = secure
