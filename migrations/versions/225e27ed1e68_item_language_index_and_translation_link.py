"""Items carry their language for exams bound to one language: an index on item.language (forms
filter on it) and item.translation_id, the same item in another language (a translated pair).

Revision ID: 225e27ed1e68
Revises: b255b916095a
Create Date: 2026-12-05 09:26:25.176473

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '225e27ed1e68'
down_revision = 'b255b916095a'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('translation_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_item_language'), ['language'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_item_translation_id_item'), 'item',
                                    ['translation_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_item_translation_id_item'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_item_language'))
        batch_op.drop_column('translation_id')
