"""Documents: rendered PDFs kept with their period (the consolidated report).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 23:10:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('document_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=True),
    sa.Column('period_id', sa.Integer(), nullable=True),
    sa.Column('unit_report_id', sa.Integer(), nullable=True),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('job_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_document_file_created_by_id_app_user')),
    sa.ForeignKeyConstraint(['document_id'], ['official_document.id'], name=op.f('fk_document_file_document_id_official_document')),
    sa.ForeignKeyConstraint(['job_id'], ['job.id'], name=op.f('fk_document_file_job_id_job')),
    sa.ForeignKeyConstraint(['period_id'], ['reporting_period.id'], name=op.f('fk_document_file_period_id_reporting_period')),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_document_file_plan_id_plan')),
    sa.ForeignKeyConstraint(['unit_report_id'], ['unit_report.id'], name=op.f('fk_document_file_unit_report_id_unit_report')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_file'))
    )
    with op.batch_alter_table('document_file', schema=None) as batch_op:
        batch_op.create_index('ix_document_file_job', ['job_id'], unique=False)
        batch_op.create_index('ix_document_file_period', ['period_id', 'kind', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('document_file', schema=None) as batch_op:
        batch_op.drop_index('ix_document_file_period')
        batch_op.drop_index('ix_document_file_job')

    op.drop_table('document_file')
