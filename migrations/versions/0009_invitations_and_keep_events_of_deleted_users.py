"""Create invitations; keep security events of deleted users with user_id cleared

Revision ID: 0009
Revises: 0010
Create Date: 2026-11-27 15:10:00

"""
from alembic import op
import sqlalchemy as sa

revision = "0009"
down_revision = "0010"
branch_labels = None
depends_on = None

UTC_DATETIME = sa.DateTime(timezone=True)
PENDING = sa.text("status = 'pending'")


def upgrade():
    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("expires_at", UTC_DATETIME, nullable=False),
        sa.Column("responded_at", UTC_DATETIME, nullable=True),
        sa.CheckConstraint("role IN ('member', 'admin')", name=op.f("ck_invitations_role_known")),
        sa.CheckConstraint(
            "status IN ('pending', 'accepted', 'declined', 'revoked')",
            name=op.f("ck_invitations_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"], ["organizations.id"],
            name=op.f("fk_invitations_organization_id_organizations"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["invited_by_id"], ["users.id"],
            name=op.f("fk_invitations_invited_by_id_users"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_invitations_token_hash")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_invitations_organization_id"), "invitations", ["organization_id"])
    op.create_index(
        "ix_invitations_invited_by_created", "invitations", ["invited_by_id", "created_at"]
    )
    op.create_index(
        "uq_invitations_pending_email", "invitations", ["organization_id", "email"],
        unique=True, sqlite_where=PENDING, postgresql_where=PENDING,
    )
    # SQLite cannot alter a foreign key in place: batch mode copies the table.
    with op.batch_alter_table("security_events") as batch:
        batch.drop_constraint("fk_security_events_user_id_users", type_="foreignkey")
        batch.alter_column("user_id", existing_type=sa.Integer(), nullable=True)
        batch.create_foreign_key(
            "fk_security_events_user_id_users", "users", ["user_id"], ["id"], ondelete="SET NULL"
        )


def downgrade():
    op.execute("DELETE FROM security_events WHERE user_id IS NULL")
    with op.batch_alter_table("security_events") as batch:
        batch.drop_constraint("fk_security_events_user_id_users", type_="foreignkey")
        batch.alter_column("user_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key(
            "fk_security_events_user_id_users", "users", ["user_id"], ["id"], ondelete="CASCADE"
        )
    op.drop_index("uq_invitations_pending_email", table_name="invitations")
    op.drop_index("ix_invitations_invited_by_created", table_name="invitations")
    op.drop_index(op.f("ix_invitations_organization_id"), table_name="invitations")
    op.drop_table("invitations")
