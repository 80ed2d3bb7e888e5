"""task_samples: the records each candidate drew from a practical task's pool
(attempt_item.sample, issue 16 §1).

Revision ID: c3f1a7d2e9b4
Revises: 7c1a3e5d9f20
Create Date: 2026-12-05 15:15:00

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = 'c3f1a7d2e9b4'
down_revision = '7c1a3e5d9f20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('attempt_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sample', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=True))


def downgrade():
    with op.batch_alter_table('attempt_item', schema=None) as batch_op:
        batch_op.drop_column('sample')
