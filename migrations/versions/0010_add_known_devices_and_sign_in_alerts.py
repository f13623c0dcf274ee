"""Add known_devices and users.sign_in_alerts (new sign-in alerts, "this wasn't me" reports)

Revision ID: 0010
Revises: 0011
Create Date: 2026-11-27 15:10:00

"""
from alembic import op
import sqlalchemy as sa

revision = "0010"
down_revision = "0011"
branch_labels = None
depends_on = None

UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade():
    # Existing users get alerts too: they are on unless a user turns them off.
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("sign_in_alerts", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
    op.create_table(
        "known_devices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("device_hash", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("first_seen_at", UTC_DATETIME, nullable=False),
        sa.Column("last_seen_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_known_devices_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_known_devices")),
        sa.UniqueConstraint("user_id", "device_hash", name=op.f("uq_known_devices_user_id")),
    )


def downgrade():
    op.drop_table("known_devices")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("sign_in_alerts")
