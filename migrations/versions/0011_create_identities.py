"""Create identities: (provider, subject) pairs of OpenID Connect providers linked to users

Revision ID: 0011
Revises: 0007
Create Date: 2026-11-27 15:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = "0011"
down_revision = "0007"
branch_labels = None
depends_on = None

UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        "identities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("last_used_at", UTC_DATETIME, nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_identities_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identities")),
        sa.UniqueConstraint("provider", "subject", name="uq_identities_provider_subject"),
        sa.UniqueConstraint("user_id", "provider", name="uq_identities_user_id_provider"),
    )
    op.create_index(op.f("ix_identities_user_id"), "identities", ["user_id"])


def downgrade():
    op.drop_index(op.f("ix_identities_user_id"), table_name="identities")
    op.drop_table("identities")
