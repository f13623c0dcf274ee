"""Count password checks made from a session per session: auth_attempts.session_id

Revision ID: 0005
Revises: 0006
Create Date: 2026-11-27 15:35:00

"""
from alembic import op
import sqlalchemy as sa

revision = "0005"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("auth_attempts", sa.Column("session_id", sa.Integer(), nullable=True))
    op.create_index(
        "ix_auth_attempts_session_created", "auth_attempts", ["kind", "session_id", "created_at"]
    )


def downgrade():
    op.drop_index("ix_auth_attempts_session_created", table_name="auth_attempts")
    op.drop_column("auth_attempts", "session_id")
