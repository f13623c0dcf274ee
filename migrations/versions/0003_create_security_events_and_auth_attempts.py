"""Create security_events (activity log) and auth_attempts (sign-in throttling)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 09:10:00

"""
from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

UTC_DATETIME = sa.DateTime(timezone=True)

def upgrade():
    op.create_table(
        "security_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("ip", sa.String(length=45), nullable=True),
        sa.Column("device", sa.String(length=120), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_security_events_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_events")),
    )
    op.create_index(op.f("ix_security_events_created_at"), "security_events", ["created_at"])
    op.create_index("ix_security_events_user_created", "security_events", ["user_id", "created_at"])
    op.create_table(
        "auth_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("ip", sa.String(length=45), nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auth_attempts")),
    )
    op.create_index(op.f("ix_auth_attempts_created_at"), "auth_attempts", ["created_at"])
    op.create_index("ix_auth_attempts_email_created", "auth_attempts", ["kind", "email", "created_at"])
    op.create_index("ix_auth_attempts_ip_created", "auth_attempts", ["kind", "ip", "created_at"])


def downgrade():
    op.drop_index("ix_auth_attempts_ip_created", table_name="auth_attempts")
    op.drop_index("ix_auth_attempts_email_created", table_name="auth_attempts")
    op.drop_index(op.f("ix_auth_attempts_created_at"), table_name="auth_attempts")
    op.drop_table("auth_attempts")
    op.drop_index("ix_security_events_user_created", table_name="security_events")
    op.drop_index(op.f("ix_security_events_created_at"), table_name="security_events")
    op.drop_table("security_events")
