"""Web: inbox context on human tasks, saved filters, form drafts, attachments, failed sign-ins.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 20:40:57.443758
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('login_failure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failure'))
    )
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.create_index('ix_login_failure_key_at', ['key', 'at'], unique=False)

    op.create_table('saved_filter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('query', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_saved_filter_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_filter')),
    sa.UniqueConstraint('user_id', 'name', name=op.f('uq_saved_filter_user_id_name'))
    )
    op.create_table('attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=True),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'], name=op.f('fk_attachment_instance_id_process_instance')),
    sa.ForeignKeyConstraint(['task_id'], ['human_task.id'], name=op.f('fk_attachment_task_id_human_task')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['app_user.id'], name=op.f('fk_attachment_uploaded_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment'))
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index('ix_attachment_instance', ['instance_id', 'id'], unique=False)

    op.create_table('task_draft',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('values', sa.JSON(), nullable=False),
    sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['task_id'], ['human_task.id'], name=op.f('fk_task_draft_task_id_human_task')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_task_draft_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_draft')),
    sa.UniqueConstraint('task_id', 'user_id', name=op.f('uq_task_draft_task_id_user_id'))
    )
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('plan_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('period_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('sent_by_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_human_task_done_by', ['completed_by_id', 'completed_at'], unique=False)
        batch_op.create_index('ix_human_task_period_status', ['period_id', 'status'], unique=False)
        batch_op.create_index('ix_human_task_plan_status', ['plan_id', 'status'], unique=False)
        batch_op.drop_index('ix_human_task_open_unit_role')
        batch_op.create_index('ix_human_task_open_unit_role_free', ['status', 'unit_id', 'role', 'assignee_id', 'claimed_by_id', 'due_at'], unique=False, postgresql_include=['id'])
        batch_op.create_foreign_key(batch_op.f('fk_human_task_period_id_reporting_period'), 'reporting_period', ['period_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_human_task_plan_id_plan'), 'plan', ['plan_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_human_task_sent_by_id_app_user'), 'app_user', ['sent_by_id'], ['id'])

    _backfill_inbox_context()


def _backfill_inbox_context() -> None:
    # Existing tasks learn their plan and period from their instance's business key
    # ("plan/<id>/...", "period/<id>/..."), as new tasks do when they open.
    bind = op.get_bind()
    periods = dict(bind.execute(sa.text('SELECT id, plan_id FROM reporting_period')).all())
    rows = bind.execute(
        sa.text(
            'SELECT h.id, i.business_key FROM human_task h'
            ' JOIN process_instance i ON i.id = h.instance_id WHERE i.business_key IS NOT NULL'
        )
    ).all()
    for task_id, key in rows:
        parts = key.split('/')
        if len(parts) < 2 or not parts[1].isdigit():
            continue
        plan_id = period_id = None
        if parts[0] == 'plan':
            plan_id = int(parts[1])
        elif parts[0] == 'period':
            period_id = int(parts[1])
            plan_id = periods.get(period_id)
        if plan_id is not None:
            bind.execute(
                sa.text('UPDATE human_task SET plan_id = :plan, period_id = :period WHERE id = :id'),
                {'plan': plan_id, 'period': period_id, 'id': task_id},
            )



def downgrade() -> None:
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_human_task_sent_by_id_app_user'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_human_task_plan_id_plan'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_human_task_period_id_reporting_period'), type_='foreignkey')
        batch_op.drop_index('ix_human_task_open_unit_role_free')
        batch_op.create_index('ix_human_task_open_unit_role', ['status', 'unit_id', 'role'], unique=False)
        batch_op.drop_index('ix_human_task_plan_status')
        batch_op.drop_index('ix_human_task_period_status')
        batch_op.drop_index('ix_human_task_done_by')
        batch_op.drop_column('sent_by_id')
        batch_op.drop_column('period_id')
        batch_op.drop_column('plan_id')

    op.drop_table('task_draft')
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_index('ix_attachment_instance')

    op.drop_table('attachment')
    op.drop_table('saved_filter')
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.drop_index('ix_login_failure_key_at')

    op.drop_table('login_failure')
