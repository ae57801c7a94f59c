"""Organisation (unit name keys, groups, delegation, cover, declared days), plans, periods, reports.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 17:01:32.294930
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op




revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('unit_group',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('name_key', sa.String(length=300), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_group')),
    sa.UniqueConstraint('name_key', name=op.f('uq_unit_group_name_key'))
    )
    op.create_table('work_calendar_day',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('is_working', sa.Boolean(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_calendar_day')),
    sa.UniqueConstraint('day', name=op.f('uq_work_calendar_day_day'))
    )
    op.create_table('cover',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('substitute_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['substitute_id'], ['app_user.id'], name=op.f('fk_cover_substitute_id_app_user')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_cover_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cover'))
    )
    with op.batch_alter_table('cover', schema=None) as batch_op:
        batch_op.create_index('ix_cover_substitute', ['substitute_id', 'starts_on', 'ends_on'], unique=False)

    op.create_table('delegation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('principal_id', sa.Integer(), nullable=True),
    sa.Column('delegate_id', sa.Integer(), nullable=False),
    sa.Column('form', sa.String(length=10), nullable=False),
    sa.Column('signer_title', sa.String(length=200), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('scope', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['delegate_id'], ['app_user.id'], name=op.f('fk_delegation_delegate_id_app_user')),
    sa.ForeignKeyConstraint(['principal_id'], ['app_user.id'], name=op.f('fk_delegation_principal_id_app_user')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_delegation_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delegation'))
    )
    with op.batch_alter_table('delegation', schema=None) as batch_op:
        batch_op.create_index('ix_delegation_delegate', ['delegate_id', 'unit_id'], unique=False)

    op.create_table('document_counter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('issuing_unit_id', sa.Integer(), nullable=False),
    sa.Column('doc_type', sa.String(length=10), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['issuing_unit_id'], ['unit.id'], name=op.f('fk_document_counter_issuing_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_counter')),
    sa.UniqueConstraint('issuing_unit_id', 'doc_type', 'year', name=op.f('uq_document_counter_issuing_unit_id_doc_type_year'))
    )
    op.create_table('unit_group_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['unit_group.id'], name=op.f('fk_unit_group_member_group_id_unit_group')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_unit_group_member_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_group_member')),
    sa.UniqueConstraint('group_id', 'unit_id', name=op.f('uq_unit_group_member_group_id_unit_id'))
    )
    with op.batch_alter_table('unit_group_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_group_member_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_unit_group_member_unit_id'), ['unit_id'], unique=False)

    op.create_table('plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('issuing_unit_id', sa.Integer(), nullable=False),
    sa.Column('focal_unit_id', sa.Integer(), nullable=False),
    sa.Column('parent_plan_id', sa.Integer(), nullable=True),
    sa.Column('doc_type', sa.String(length=10), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=True),
    sa.Column('symbol', sa.String(length=60), nullable=True),
    sa.Column('place', sa.String(length=100), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=True),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('legal_bases', sa.JSON(), nullable=False),
    sa.Column('recipients', sa.JSON(), nullable=False),
    sa.Column('child_plan_deadline', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('signer_id', sa.Integer(), nullable=True),
    sa.Column('authority_form', sa.String(length=10), nullable=True),
    sa.Column('signer_title', sa.String(length=200), nullable=True),
    sa.Column('approval_instance_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['approval_instance_id'], ['process_instance.id'], name=op.f('fk_plan_approval_instance_id_process_instance')),
    sa.ForeignKeyConstraint(['focal_unit_id'], ['unit.id'], name=op.f('fk_plan_focal_unit_id_unit')),
    sa.ForeignKeyConstraint(['issuing_unit_id'], ['unit.id'], name=op.f('fk_plan_issuing_unit_id_unit')),
    sa.ForeignKeyConstraint(['parent_plan_id'], ['plan.id'], name=op.f('fk_plan_parent_plan_id_plan')),
    sa.ForeignKeyConstraint(['signer_id'], ['app_user.id'], name=op.f('fk_plan_signer_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan')),
    sa.UniqueConstraint('issuing_unit_id', 'doc_type', 'year', 'number', name=op.f('uq_plan_issuing_unit_id_doc_type_year_number'))
    )
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_issuing_unit_id'), ['issuing_unit_id'], unique=False)
        batch_op.create_index('ix_plan_parent', ['parent_plan_id'], unique=False)

    op.create_table('plan_section',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_plan_section_plan_id_plan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_section'))
    )
    with op.batch_alter_table('plan_section', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_section_plan_id'), ['plan_id'], unique=False)

    op.create_table('plan_target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('value', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('milestone', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_plan_target_plan_id_plan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_target'))
    )
    with op.batch_alter_table('plan_target', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_target_plan_id'), ['plan_id'], unique=False)

    op.create_table('reporting_period',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('data_cutoff', sa.Date(), nullable=False),
    sa.Column('unit_deadline', sa.Date(), nullable=False),
    sa.Column('focal_deadline', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('consolidation', sa.JSON(), nullable=True),
    sa.Column('opened_by_id', sa.Integer(), nullable=True),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'], name=op.f('fk_reporting_period_instance_id_process_instance')),
    sa.ForeignKeyConstraint(['opened_by_id'], ['app_user.id'], name=op.f('fk_reporting_period_opened_by_id_app_user')),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_reporting_period_plan_id_plan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reporting_period')),
    sa.UniqueConstraint('plan_id', 'label', name=op.f('uq_reporting_period_plan_id_label'))
    )
    with op.batch_alter_table('reporting_period', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reporting_period_plan_id'), ['plan_id'], unique=False)

    op.create_table('plan_task',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('timeframe_text', sa.Text(), nullable=False),
    sa.Column('timeframe', sa.JSON(), nullable=False),
    sa.Column('expected_result', sa.Text(), nullable=False),
    sa.Column('indicator', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_plan_task_plan_id_plan')),
    sa.ForeignKeyConstraint(['section_id'], ['plan_section.id'], name=op.f('fk_plan_task_section_id_plan_section')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_task'))
    )
    with op.batch_alter_table('plan_task', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_task_plan_id'), ['plan_id'], unique=False)

    op.create_table('unit_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('body', sa.JSON(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('returned_count', sa.Integer(), nullable=False),
    sa.Column('escalation_count', sa.Integer(), nullable=False),
    sa.Column('last_escalation', sa.String(length=40), nullable=True),
    sa.Column('last_action', sa.String(length=60), nullable=True),
    sa.Column('last_action_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('source_period_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'], name=op.f('fk_unit_report_instance_id_process_instance')),
    sa.ForeignKeyConstraint(['period_id'], ['reporting_period.id'], name=op.f('fk_unit_report_period_id_reporting_period')),
    sa.ForeignKeyConstraint(['source_period_id'], ['reporting_period.id'], name=op.f('fk_unit_report_source_period_id_reporting_period')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_unit_report_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_report')),
    sa.UniqueConstraint('instance_id', name=op.f('uq_unit_report_instance_id')),
    sa.UniqueConstraint('period_id', 'unit_id', name=op.f('uq_unit_report_period_id_unit_id'))
    )
    with op.batch_alter_table('unit_report', schema=None) as batch_op:
        batch_op.create_index('ix_unit_report_period_status', ['period_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_unit_report_unit_id'), ['unit_id'], unique=False)

    op.create_table('escalation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_report_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('fired_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['app_user.id'], name=op.f('fk_escalation_actor_id_app_user')),
    sa.ForeignKeyConstraint(['unit_report_id'], ['unit_report.id'], name=op.f('fk_escalation_unit_report_id_unit_report')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_escalation'))
    )
    with op.batch_alter_table('escalation', schema=None) as batch_op:
        batch_op.create_index('ix_escalation_report', ['unit_report_id', 'fired_at'], unique=False)

    op.create_table('plan_task_unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.String(length=12), nullable=False),
    sa.Column('scope_note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['unit_group.id'], name=op.f('fk_plan_task_unit_group_id_unit_group')),
    sa.ForeignKeyConstraint(['task_id'], ['plan_task.id'], name=op.f('fk_plan_task_unit_task_id_plan_task')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_plan_task_unit_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_task_unit'))
    )
    with op.batch_alter_table('plan_task_unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_task_unit_task_id'), ['task_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_task_unit_unit_id'), ['unit_id'], unique=False)

    with op.batch_alter_table('process_instance', schema=None) as batch_op:
        batch_op.add_column(sa.Column('current_step', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('current_step_title', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('step_unit_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('step_role', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('step_holder_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('step_since', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('step_due_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_process_instance_step_holder_id_app_user'), 'app_user', ['step_holder_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_process_instance_step_unit_id_unit'), 'unit', ['step_unit_id'], ['id'])

    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_key', sa.String(length=300), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('doc_code', sa.String(length=30), nullable=False, server_default=''))
    _backfill_unit_name_keys()
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.create_index('ix_unit_name_key', ['name_key'], unique=False)
        batch_op.create_unique_constraint('uq_unit_parent_id_name_key', ['parent_id', 'name_key'])


def _backfill_unit_name_keys() -> None:
    # Units created before this revision get the same key new units get.
    from engine.names import normalise_name

    bind = op.get_bind()
    unit = sa.table('unit', sa.column('id', sa.Integer), sa.column('name', sa.String), sa.column('name_key', sa.String))
    for unit_id, name in bind.execute(sa.select(unit.c.id, unit.c.name)).all():
        bind.execute(unit.update().where(unit.c.id == unit_id).values(name_key=normalise_name(name)))



def downgrade() -> None:
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_constraint('uq_unit_parent_id_name_key', type_='unique')
        batch_op.drop_index('ix_unit_name_key')
        batch_op.drop_column('doc_code')
        batch_op.drop_column('name_key')

    with op.batch_alter_table('process_instance', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_process_instance_step_unit_id_unit'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_process_instance_step_holder_id_app_user'), type_='foreignkey')
        batch_op.drop_column('step_due_at')
        batch_op.drop_column('step_since')
        batch_op.drop_column('step_holder_id')
        batch_op.drop_column('step_role')
        batch_op.drop_column('step_unit_id')
        batch_op.drop_column('current_step_title')
        batch_op.drop_column('current_step')

    with op.batch_alter_table('plan_task_unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_task_unit_unit_id'))
        batch_op.drop_index(batch_op.f('ix_plan_task_unit_task_id'))

    op.drop_table('plan_task_unit')
    with op.batch_alter_table('escalation', schema=None) as batch_op:
        batch_op.drop_index('ix_escalation_report')

    op.drop_table('escalation')
    with op.batch_alter_table('unit_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_report_unit_id'))
        batch_op.drop_index('ix_unit_report_period_status')

    op.drop_table('unit_report')
    with op.batch_alter_table('plan_task', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_task_plan_id'))

    op.drop_table('plan_task')
    with op.batch_alter_table('reporting_period', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reporting_period_plan_id'))

    op.drop_table('reporting_period')
    with op.batch_alter_table('plan_target', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_target_plan_id'))

    op.drop_table('plan_target')
    with op.batch_alter_table('plan_section', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_section_plan_id'))

    op.drop_table('plan_section')
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.drop_index('ix_plan_parent')
        batch_op.drop_index(batch_op.f('ix_plan_issuing_unit_id'))

    op.drop_table('plan')
    with op.batch_alter_table('unit_group_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_group_member_unit_id'))
        batch_op.drop_index(batch_op.f('ix_unit_group_member_group_id'))

    op.drop_table('unit_group_member')
    op.drop_table('document_counter')
    with op.batch_alter_table('delegation', schema=None) as batch_op:
        batch_op.drop_index('ix_delegation_delegate')

    op.drop_table('delegation')
    with op.batch_alter_table('cover', schema=None) as batch_op:
        batch_op.drop_index('ix_cover_substitute')

    op.drop_table('cover')
    op.drop_table('work_calendar_day')
    op.drop_table('unit_group')
