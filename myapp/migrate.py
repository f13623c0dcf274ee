"""Schema migrations with Flask-Migrate, loaded only where they run.

Flask-Migrate imports Alembic and Mako as soon as it is imported: about 11 MiB in every
gunicorn worker, which never migrates. So the app registers a stand-in ``flask db`` group that
sets Flask-Migrate up when one of its commands is asked for, and code that migrates without the
command line (the tests, the benchmark) calls ``upgrade(app)``.
"""

import os

import click
from flask import Flask
from flask.cli import ScriptInfo

from myapp.extensions import db

DIRECTORY = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "migrations")


def setup(app: Flask) -> None:
    """Initialise Flask-Migrate on ``app``, once: ``migrations/env.py`` reads what it stores."""
    if "migrate" in app.extensions:
        return
    from flask_migrate import Migrate

    Migrate(app, db, directory=DIRECTORY)


def upgrade(app: Flask) -> None:
    """Bring ``app``'s database to the newest migration, as ``flask db upgrade`` does.

    Then close the connections it opened, so a test or benchmark process holds none.
    """
    setup(app)
    from flask_migrate import upgrade as upgrade_database

    with app.app_context():
        upgrade_database()
        db.engine.dispose()


class _Commands(click.Group):
    """``flask db``: hands the command line to Flask-Migrate's own group, set up on first use."""

    def make_context(self, info_name, args, parent=None, **extra) -> click.Context:
        setup(parent.find_object(ScriptInfo).load_app())
        from flask_migrate.cli import db as group

        return group.make_context(info_name, args, parent=parent, **extra)


def init_app(app: Flask) -> None:
    """Register ``flask db`` without importing Flask-Migrate."""
    app.cli.add_command(_Commands("db", help="Perform database migrations (Flask-Migrate)."))
