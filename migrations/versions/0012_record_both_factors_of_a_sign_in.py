"""Record both factors of a two-step sign-in: pending_sign_ins.first_factor, wider auth_method

Revision ID: 0012
Revises: 0009
Create Date: 2026-11-27 17:50:00

"""
from alembic import op
import sqlalchemy as sa

revision = "0012"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    # Steps already pending began with a password: providers did not start them before.
    op.add_column(
        "pending_sign_ins",
        sa.Column("first_factor", sa.String(length=16), nullable=False, server_default="password"),
    )
    # "<provider>+recovery_code" needs up to 30 characters. SQLite rebuilds the table.
    with op.batch_alter_table("sessions") as batch:
        batch.alter_column(
            "auth_method", existing_type=sa.String(length=16), type_=sa.String(length=32)
        )


def downgrade():
    with op.batch_alter_table("sessions") as batch:
        batch.alter_column(
            "auth_method", existing_type=sa.String(length=32), type_=sa.String(length=16)
        )
    op.drop_column("pending_sign_ins", "first_factor")
