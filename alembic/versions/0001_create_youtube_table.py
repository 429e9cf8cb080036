"""create youtube table

The notes' first model: one row per video, with the URL unique so a duplicate can be refused.

Revision ID: 0001
Revises:
Create Date: 2026-11-26 09:30:00

"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the youtube table."""
    op.create_table(
        "youtube",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=300), nullable=False),
        sa.Column("channel", sa.String(length=100), nullable=False),
        sa.Column("is_published", sa.Boolean(), server_default="true", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_youtube")),
        sa.UniqueConstraint("url", name=op.f("uq_youtube_url")),
    )


def downgrade() -> None:
    """Drop the youtube table."""
    op.drop_table("youtube")
