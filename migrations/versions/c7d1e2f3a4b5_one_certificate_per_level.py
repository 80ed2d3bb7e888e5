"""one_certificate_per_level: at most one valid certificate per person and level (issue 12 §14).

Issuing by sitting gave a candidate a second valid Level 4 certificate while the first was valid.
Before the index is created, any such duplicates already stored are resolved the way certify now
resolves them: the newest stays valid, each older one is marked replaced by it (linked through the
new one's ``replaces_id`` when that is still empty).

Revision ID: c7d1e2f3a4b5
Revises: 225e27ed1e68
Create Date: 2026-12-05 15:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c7d1e2f3a4b5'
down_revision = '225e27ed1e68'
branch_labels = None
depends_on = None


def upgrade():
    connection = op.get_bind()
    rows = connection.execute(sa.text(
        "SELECT id, candidate_id, level_id FROM certificate WHERE status = 'valid' "
        "ORDER BY candidate_id, level_id, id")).all()
    newest: dict[tuple[int, int], int] = {}
    for row in reversed(rows):
        key = (row.candidate_id, row.level_id)
        if key not in newest:
            newest[key] = row.id
            continue
        connection.execute(sa.text("UPDATE certificate SET status = 'replaced' WHERE id = :id"),
                           {"id": row.id})
        connection.execute(sa.text(
            "UPDATE certificate SET replaces_id = :old WHERE id = :new AND replaces_id IS NULL"),
            {"old": row.id, "new": newest[key]})
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.create_index('uq_certificate_valid_person_level', ['candidate_id', 'level_id'],
                              unique=True, sqlite_where=sa.text("status = 'valid'"),
                              postgresql_where=sa.text("status = 'valid'"))


def downgrade():
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.drop_index('uq_certificate_valid_person_level',
                            sqlite_where=sa.text("status = 'valid'"),
                            postgresql_where=sa.text("status = 'valid'"))
