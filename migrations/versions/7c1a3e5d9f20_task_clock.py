"""task_clock: attempt_item.started_dt, when the candidate pressed "Start this task" (issue 12 §1).

The per-task clock of a skills task and its overtime rule count from this moment, no longer from
the first time the task was opened.

Revision ID: 7c1a3e5d9f20
Revises: e8472ed6f55f
Create Date: 2026-12-05 15:20:00

"""
import sqlalchemy as sa
from alembic import op

import certify.db

# revision identifiers, used by Alembic.
revision = '7c1a3e5d9f20'
down_revision = 'e8472ed6f55f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('attempt_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('started_dt', certify.db.UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('attempt_item', schema=None) as batch_op:
        batch_op.drop_column('started_dt')
