"""add views to youtube

A later change to the model: count each video's views. Existing rows get 0 from the server default,
so the column can be NOT NULL without a separate data migration.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 09:31:00

"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the views column."""
    op.add_column("youtube", sa.Column("views", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    """Drop the views column."""
    op.drop_column("youtube", "views")
