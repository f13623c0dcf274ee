"""Never reuse contact and membership ids on SQLite (AUTOINCREMENT)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 15:20:00

URLs name contacts and memberships by id. Without AUTOINCREMENT, SQLite gives the id of a
deleted highest row to the next one, so a tab left open on the old row would act on the new
one. PostgreSQL's sequences never go back, so there is nothing to change there.
"""
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TABLES = ("contacts", "memberships")


def _recreate(autoincrement: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        # SQLite cannot add AUTOINCREMENT to a table: batch mode copies it into a new one.
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
        ):
            pass


def upgrade():
    _recreate(True)


def downgrade():
    _recreate(False)
