"""myapp: a Flask SaaS core with sessions stored in SQL and mutations through safe actions."""

import os
import secrets

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from myapp import config, database, errors, headers, inputs, mail, migrate, request_log
from myapp.database import RowIdConverter
from myapp.extensions import csrf, db
from myapp.flask_cookie import LazyCookieSessionInterface

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application; ``test_config`` overrides settings read from the environment."""
    app = Flask(
        __name__,
        instance_path=os.path.join(_ROOT, "instance"),
        template_folder=os.path.join(_ROOT, "templates"),
        static_folder=os.path.join(_ROOT, "static"),
    )
    app.config.update(config.from_environment())
    if test_config:
        app.config.update(test_config)
    config.apply_cookie_settings(app.config)
    configure_database_url(app)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = database.engine_options(app.config)
    configure_secret_key(app)

    if app.config["TRUSTED_PROXIES"]:
        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    request_log.init_app(app)
    register_extensions(app)
    register_blueprints(app)
    register_hooks(app)
    errors.register_errorhandlers(app)
    register_commands(app)
    return app


def configure_database_url(app: Flask) -> None:
    """Default to a SQLite file in the instance folder, which needs no setup."""
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        os.makedirs(app.instance_path, exist_ok=True)
        path = os.path.join(app.instance_path, "myapp.sqlite3")
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"


def configure_secret_key(app: Flask) -> None:
    """Require ``SECRET_KEY`` outside debug and testing; never fall back to a fixed value.

    Tests get a random key; debug mode (``make run``, ``make shell``...) the one kept in
    ``instance/secret_key``.
    """
    if app.config.get("SECRET_KEY"):
        return
    if app.testing:
        app.config["SECRET_KEY"] = secrets.token_hex(32)
        return
    if app.debug:
        app.config["SECRET_KEY"] = development_secret_key(app.instance_path)
        return
    raise RuntimeError(
        "SECRET_KEY is not set. Generate one with "
        "`python -c 'import secrets; print(secrets.token_hex(32))'` and export it."
    )


def development_secret_key(instance_path: str) -> str:
    """Return the development key kept in ``instance/secret_key``, creating it the first time.

    One key for every reload and restart, so an open tab's forms keep working; the file is
    git-ignored with the rest of ``instance/``, readable by its owner only, and never used
    outside debug mode.
    """
    path = os.path.join(instance_path, "secret_key")
    try:
        with open(path) as file:
            key = file.read().strip()
        if key:
            return key
    except FileNotFoundError:
        pass
    os.makedirs(instance_path, exist_ok=True)
    key = secrets.token_hex(32)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(key + "\n")
    return key


def register_extensions(app: Flask) -> None:
    import myapp.models  # noqa: F401  (every table on the metadata before Alembic looks)

    app.session_interface = LazyCookieSessionInterface()
    db.init_app(app)
    # Registered after Flask-SQLAlchemy's teardown, so it runs first (teardowns run in reverse).
    app.teardown_appcontext(lambda _error: database.discard_session())
    migrate.init_app(app)
    # Before CSRFProtect's hook, which is the first to parse the form.
    app.before_request(inputs.reject_undecodable_form)
    csrf.init_app(app)
    mail.init_app(app)


def register_blueprints(app: Flask) -> None:
    from myapp.accounts.views import bp as accounts_bp
    from myapp.auth.views import bp as auth_bp
    from myapp.contacts.views import bp as contacts_bp
    from myapp.health import bp as health_bp
    from myapp.invitations.views import bp as invitations_bp
    from myapp.known_devices.views import bp as known_devices_bp
    from myapp.organizations.views import bp as organizations_bp
    from myapp.passkeys.views import bp as passkeys_bp
    from myapp.security.views import bp as security_bp
    from myapp.sessions.views import bp as sessions_api_bp
    from myapp.two_factor.views import bp as two_factor_bp

    app.url_map.converters["id"] = RowIdConverter
    app.register_blueprint(health_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(sessions_api_bp)
    app.register_blueprint(organizations_bp)
    app.register_blueprint(contacts_bp)
    app.register_blueprint(invitations_bp)
    app.register_blueprint(security_bp)
    app.register_blueprint(two_factor_bp)
    app.register_blueprint(passkeys_bp)
    app.register_blueprint(known_devices_bp)
    register_oidc(app)


def register_oidc(app: Flask) -> None:
    """Sign-in with OpenID Connect providers: routes and buttons only when some are configured."""
    from myapp.oidc import providers

    if providers.init_app(app):
        from myapp.oidc.views import bp as oidc_bp

        app.register_blueprint(oidc_bp)


def register_hooks(app: Flask) -> None:
    from myapp import confirm
    from myapp.sessions.cookies import write_session_cookie
    from myapp.sessions.lookup import deduped_auth

    app.after_request(write_session_cookie)
    app.after_request(headers.add_security_headers)
    app.after_request(headers.keep_slash_redirects_on_this_site)
    confirm.init_app(app)

    @app.context_processor
    def inject_current_session():
        # Templates read the same deduped session as the view: no extra query for the layout.
        return {"current_session": deduped_auth}


def register_commands(app: Flask) -> None:
    from myapp.sessions.commands import sessions_cli
    from myapp.two_factor.commands import two_factor_cli

    app.cli.add_command(sessions_cli)
    app.cli.add_command(two_factor_cli)
