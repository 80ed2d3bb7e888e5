"""late_deliveries: answers entered before the deadline that reached the server only after the
attempt was submitted, kept for the invigilator to accept or reject (issue 12 §3).

Revision ID: e8472ed6f55f
Revises: c7d1e2f3a4b5
Create Date: 2026-12-05 15:05:48.129921

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import certify.db

# revision identifiers, used by Alembic.
revision = 'e8472ed6f55f'
down_revision = 'c7d1e2f3a4b5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('late_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('attempt_item_id', sa.Integer(), nullable=False),
    sa.Column('record_key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('answered', sa.Boolean(), nullable=False),
    sa.Column('entered_dt', certify.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('received_dt', certify.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('decided_dt', certify.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'accepted', 'rejected')", name=op.f('ck_late_answer_late_status_known')),
    sa.ForeignKeyConstraint(['attempt_id'], ['attempt.id'], name=op.f('fk_late_answer_attempt_id_attempt'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['attempt_item_id'], ['attempt_item.id'], name=op.f('fk_late_answer_attempt_item_id_attempt_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_late_answer_decided_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_late_answer')),
    sa.UniqueConstraint('attempt_item_id', 'record_key', name=op.f('uq_late_answer_attempt_item_id_record_key'))
    )
    with op.batch_alter_table('late_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_late_answer_attempt_id'), ['attempt_id'], unique=False)



def downgrade():
    with op.batch_alter_table('late_answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_late_answer_attempt_id'))

    op.drop_table('late_answer')
