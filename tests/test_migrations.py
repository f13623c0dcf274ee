"""The migrations build exactly the schema the models declare, on SQLite and on PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from myapp.extensions import db


def test_the_migrated_database_matches_the_models(app):
    # The session's schema was built by `flask db upgrade` (the _schema fixture), never by
    # create_all(), so any table, column, index or type the models and migrations disagree on
    # shows up here.
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": False}
        )
        differences = compare_metadata(context, db.metadata)

    assert differences == []
