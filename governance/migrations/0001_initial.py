"""The CI infrastructure's models moved here from vmi_programme (0003, 0004) in Django's state
only: the tables keep their vmi_programme_* names and no data moves. Existing content types
(and so permissions and generic links to standard work) are relabelled to this app."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MOVED = [
    "meetingseries", "membership", "meeting", "agendaitem", "agendaitemlink", "attendance",
    "decision", "meetingaction", "team", "huddle", "productionboard", "boardmeasure", "boardvalue",
    "standardworkdocument", "standardworkversion", "nationalpriority", "strategicobjective",
    "cqcrating", "ceotenure", "specialmeasuresperiod", "culturalwork",
]


def relabel_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    taken = set(
        ContentType.objects.filter(app_label="governance").values_list("model", flat=True)
    )
    ContentType.objects.filter(app_label="vmi_programme", model__in=MOVED).exclude(
        model__in=taken
    ).update(app_label="governance")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('vmi_programme', '0004_daily_work_and_trust_context'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    state_operations = [
        migrations.CreateModel(
            name='Meeting',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('date', models.DateField()),
                ('start_time', models.TimeField(blank=True, null=True)),
                ('end_time', models.TimeField(blank=True, null=True)),
                ('location', models.CharField(blank=True, max_length=200)),
                ('status', models.CharField(choices=[('planned', 'Planned'), ('held', 'Held'), ('cancelled', 'Cancelled')], default='planned', max_length=20)),
                ('minutes', models.TextField(blank=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'db_table': 'vmi_programme_meeting',
                'ordering': ['-date', 'series'],
                'get_latest_by': 'date',
            },
        ),
        migrations.CreateModel(
            name='ProductionBoard',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=200)),
            ],
            options={
                'db_table': 'vmi_programme_productionboard',
                'ordering': ['team', 'title'],
            },
        ),
        migrations.CreateModel(
            name='AgendaItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('order', models.PositiveIntegerField()),
                ('title', models.CharField(max_length=200)),
                ('duration_minutes', models.PositiveIntegerField(blank=True, null=True)),
                ('notes', models.TextField(blank=True)),
                ('is_locked', models.BooleanField(default=False, help_text='A required item: it cannot be removed from the agenda.')),
                ('presenter', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='agenda_items', to='vmi_programme.person')),
                ('meeting', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='agenda_items', to='governance.meeting')),
            ],
            options={
                'db_table': 'vmi_programme_agendaitem',
                'ordering': ['meeting', 'order'],
            },
        ),
        migrations.CreateModel(
            name='CulturalWork',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('preceded_programme', models.BooleanField(help_text='Values-based cultural work at least two years before the programme.')),
                ('name', models.CharField(blank=True, help_text='e.g. The Leeds Way', max_length=200)),
                ('description', models.TextField(blank=True)),
                ('organisation', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='cultural_work', to='vmi_programme.organisation')),
            ],
            options={
                'verbose_name_plural': 'cultural work',
                'db_table': 'vmi_programme_culturalwork',
                'ordering': ['organisation__short_name'],
            },
        ),
        migrations.CreateModel(
            name='Decision',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('text', models.TextField()),
                ('agenda_item', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='decisions', to='governance.agendaitem')),
                ('meeting', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='decisions', to='governance.meeting')),
            ],
            options={
                'db_table': 'vmi_programme_decision',
                'ordering': ['meeting', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='MeetingAction',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('description', models.TextField()),
                ('due_on', models.DateField()),
                ('status', models.CharField(choices=[('open', 'Open'), ('done', 'Done'), ('dropped', 'Dropped')], default='open', max_length=20)),
                ('completed_on', models.DateField(blank=True, null=True)),
                ('agenda_item', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='actions', to='governance.agendaitem')),
                ('meeting', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='actions', to='governance.meeting')),
                ('owner', models.ForeignKey(error_messages={'blank': 'Every action needs an owner.', 'null': 'Every action needs an owner.'}, on_delete=django.db.models.deletion.PROTECT, related_name='meeting_actions', to='vmi_programme.person')),
            ],
            options={
                'db_table': 'vmi_programme_meetingaction',
                'ordering': ['due_on', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='MeetingSeries',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('tgb', 'Transformation Guiding Board (TGB)'), ('tgt', 'Transformation Guidance Team (TGT)'), ('kpo_leads', "KPO leads' meeting")], max_length=20)),
                ('name', models.CharField(max_length=200, unique=True)),
                ('frequency', models.CharField(default='monthly', max_length=40)),
                ('usual_duration_minutes', models.PositiveIntegerField(blank=True, null=True)),
                ('organisation', models.ForeignKey(blank=True, help_text='The trust whose TGT this is; empty for partnership-level meetings.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='meeting_series', to='vmi_programme.organisation')),
            ],
            options={
                'verbose_name_plural': 'meeting series',
                'db_table': 'vmi_programme_meetingseries',
                'ordering': ['kind', 'organisation__short_name'],
            },
        ),
        migrations.AddField(
            model_name='meeting',
            name='series',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='meetings', to='governance.meetingseries'),
        ),
        migrations.CreateModel(
            name='Membership',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('role', models.CharField(blank=True, help_text='e.g. Chair, CEO, regulator representative, sensei', max_length=100)),
                ('started_on', models.DateField()),
                ('ended_on', models.DateField(blank=True, null=True)),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='memberships', to='vmi_programme.person')),
                ('series', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='governance.meetingseries')),
            ],
            options={
                'db_table': 'vmi_programme_membership',
                'ordering': ['series', 'started_on', 'person__full_name'],
            },
        ),
        migrations.CreateModel(
            name='NationalPriority',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(help_text='A short stable key, e.g. ae-4h', max_length=40, unique=True)),
                ('title', models.CharField(max_length=200, unique=True)),
                ('description', models.TextField(blank=True)),
                ('active_from', models.DateField(blank=True, null=True)),
                ('active_until', models.DateField(blank=True, null=True)),
                ('set_by', models.ForeignKey(blank=True, help_text='The regulator that set it.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='national_priorities', to='vmi_programme.organisation')),
            ],
            options={
                'verbose_name_plural': 'national priorities',
                'db_table': 'vmi_programme_nationalpriority',
                'ordering': ['title'],
            },
        ),
        migrations.CreateModel(
            name='BoardMeasure',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200)),
                ('unit', models.CharField(blank=True, max_length=40)),
                ('target', models.DecimalField(decimal_places=2, max_digits=12)),
                ('direction', models.CharField(choices=[('higher', 'Higher is better'), ('lower', 'Lower is better')], default='higher', max_length=10)),
                ('board', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='measures', to='governance.productionboard')),
            ],
            options={
                'db_table': 'vmi_programme_boardmeasure',
                'ordering': ['board', 'name'],
            },
        ),
        migrations.CreateModel(
            name='SpecialMeasuresPeriod',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('started_on', models.DateField()),
                ('ended_on', models.DateField(blank=True, null=True)),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='special_measures', to='vmi_programme.organisation')),
            ],
            options={
                'db_table': 'vmi_programme_specialmeasuresperiod',
                'ordering': ['organisation__short_name', 'started_on'],
            },
        ),
        migrations.CreateModel(
            name='StandardWorkDocument',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('emergency_response', models.BooleanField(default=False, help_text='Created for an emergency response (e.g. pandemic ward flipping).')),
                ('current_version', models.PositiveIntegerField(default=0)),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='standard_work', to='vmi_programme.organisation')),
                ('owner', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='standard_work_owned', to='vmi_programme.person')),
            ],
            options={
                'db_table': 'vmi_programme_standardworkdocument',
                'ordering': ['organisation__short_name', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='StandardWorkVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveIntegerField()),
                ('title', models.CharField(max_length=200)),
                ('steps', models.JSONField(help_text='The process steps, in order (a list of strings).')),
                ('reason', models.TextField(help_text='Why this version was written.')),
                ('changed_at', models.DateTimeField()),
                ('changed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
                ('document', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='versions', to='governance.standardworkdocument')),
            ],
            options={
                'db_table': 'vmi_programme_standardworkversion',
                'ordering': ['document', '-number'],
            },
        ),
        migrations.CreateModel(
            name='StrategicObjective',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=200)),
                ('description', models.TextField(blank=True)),
                ('active_from', models.DateField(blank=True, null=True)),
                ('active_until', models.DateField(blank=True, null=True)),
                ('national_priorities', models.ManyToManyField(blank=True, db_table='vmi_programme_strategicobjective_national_priorities', related_name='strategic_objectives', to='governance.nationalpriority')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='strategic_objectives', to='vmi_programme.organisation')),
            ],
            options={
                'db_table': 'vmi_programme_strategicobjective',
                'ordering': ['organisation__short_name', 'title'],
            },
        ),
        migrations.CreateModel(
            name='Team',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200)),
                ('kind', models.CharField(choices=[('ward', 'Ward'), ('department', 'Department')], default='ward', max_length=20)),
                ('lead', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='teams_led', to='vmi_programme.person')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='teams', to='vmi_programme.organisation')),
            ],
            options={
                'db_table': 'vmi_programme_team',
                'ordering': ['organisation__short_name', 'name'],
            },
        ),
        migrations.AddField(
            model_name='standardworkdocument',
            name='team',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='standard_work', to='governance.team'),
        ),
        migrations.AddField(
            model_name='productionboard',
            name='team',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='boards', to='governance.team'),
        ),
        migrations.CreateModel(
            name='Huddle',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('date', models.DateField()),
                ('attendance_count', models.PositiveIntegerField()),
                ('issues_raised', models.PositiveIntegerField(default=0)),
                ('escalations', models.PositiveIntegerField(default=0)),
                ('improvement_ideas', models.PositiveIntegerField(default=0, help_text='Improvement ideas logged at this huddle.')),
                ('notes', models.TextField(blank=True)),
                ('team', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='huddles', to='governance.team')),
            ],
            options={
                'db_table': 'vmi_programme_huddle',
                'ordering': ['-date'],
            },
        ),
        migrations.CreateModel(
            name='AgendaItemLink',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('object_id', models.PositiveBigIntegerField()),
                ('agenda_item', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='links', to='governance.agendaitem')),
                ('content_type', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='contenttypes.contenttype')),
            ],
            options={
                'db_table': 'vmi_programme_agendaitemlink',
                'indexes': [models.Index(fields=['content_type', 'object_id'], name='vmi_program_content_248191_idx')],
                'constraints': [models.UniqueConstraint(fields=('agenda_item', 'content_type', 'object_id'), name='unique_agenda_link')],
            },
        ),
        migrations.CreateModel(
            name='BoardValue',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('recorded_on', models.DateField()),
                ('value', models.DecimalField(decimal_places=2, max_digits=12)),
                ('measure', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='values', to='governance.boardmeasure')),
            ],
            options={
                'db_table': 'vmi_programme_boardvalue',
                'ordering': ['measure', 'recorded_on'],
                'constraints': [models.UniqueConstraint(fields=('measure', 'recorded_on'), name='one_board_value_per_day')],
            },
        ),
        migrations.CreateModel(
            name='CeoTenure',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('is_interim', models.BooleanField(default=False)),
                ('started_on', models.DateField()),
                ('ended_on', models.DateField(blank=True, null=True)),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='ceo_tenures', to='vmi_programme.organisation')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='ceo_tenures', to='vmi_programme.person')),
            ],
            options={
                'verbose_name': 'CEO tenure',
                'db_table': 'vmi_programme_ceotenure',
                'ordering': ['organisation__short_name', 'started_on'],
                'constraints': [models.CheckConstraint(condition=models.Q(('ended_on__isnull', True), ('ended_on__gte', models.F('started_on')), _connector='OR'), name='ceo_tenure_dates_ordered')],
            },
        ),
        migrations.CreateModel(
            name='CqcRating',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('rating', models.CharField(choices=[('outstanding', 'Outstanding'), ('good', 'Good'), ('requires_improvement', 'Requires improvement'), ('inadequate', 'Inadequate')], max_length=30)),
                ('published_on', models.DateField(help_text='Date of the inspection report.')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='cqc_ratings', to='vmi_programme.organisation')),
            ],
            options={
                'verbose_name': 'CQC rating',
                'db_table': 'vmi_programme_cqcrating',
                'ordering': ['organisation__short_name', 'published_on'],
                'constraints': [models.CheckConstraint(condition=models.Q(('rating__in', ['outstanding', 'good', 'requires_improvement', 'inadequate'])), name='cqc_rating_valid'), models.UniqueConstraint(fields=('organisation', 'published_on'), name='one_cqc_rating_per_report_date')],
            },
        ),
        migrations.CreateModel(
            name='Attendance',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('present', 'Present'), ('apologies', 'Apologies'), ('absent', 'Absent')], max_length=20)),
                ('deputy', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='deputised_attendances', to='vmi_programme.person')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='attendances', to='vmi_programme.person')),
                ('meeting', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attendances', to='governance.meeting')),
            ],
            options={
                'db_table': 'vmi_programme_attendance',
                'ordering': ['meeting', 'person__full_name'],
                'constraints': [models.UniqueConstraint(fields=('meeting', 'person'), name='one_attendance_per_member'), models.CheckConstraint(condition=models.Q(('status__in', ['present', 'apologies', 'absent'])), name='attendance_status_valid'), models.CheckConstraint(condition=models.Q(('deputy__isnull', True), models.Q(('status', 'present'), _negated=True), _connector='OR'), name='attendance_deputy_only_when_member_absent')],
            },
        ),
        migrations.AddConstraint(
            model_name='agendaitem',
            constraint=models.UniqueConstraint(fields=('meeting', 'order'), name='unique_agenda_order'),
        ),
        migrations.AddIndex(
            model_name='meetingaction',
            index=models.Index(fields=['owner', 'status', 'due_on'], name='vmi_program_owner_i_e7fcb8_idx'),
        ),
        migrations.AddConstraint(
            model_name='meetingaction',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['open', 'done', 'dropped'])), name='meeting_action_status_valid'),
        ),
        migrations.AddConstraint(
            model_name='meetingaction',
            constraint=models.CheckConstraint(condition=models.Q(('completed_on__isnull', True), ('status', 'done'), _connector='OR'), name='meeting_action_completed_only_when_done'),
        ),
        migrations.AddConstraint(
            model_name='meetingseries',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['tgb', 'tgt', 'kpo_leads'])), name='meeting_series_kind_valid'),
        ),
        migrations.AddConstraint(
            model_name='meetingseries',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'tgt'), ('organisation__isnull', False)), models.Q(models.Q(('kind', 'tgt'), _negated=True), ('organisation__isnull', True)), _connector='OR'), name='meeting_series_tgt_has_trust_others_partnership'),
        ),
        migrations.AddConstraint(
            model_name='meetingseries',
            constraint=models.UniqueConstraint(fields=('kind', 'organisation'), name='one_meeting_series_per_kind_and_trust'),
        ),
        migrations.AddConstraint(
            model_name='meetingseries',
            constraint=models.UniqueConstraint(condition=models.Q(('organisation__isnull', True)), fields=('kind',), name='one_partnership_meeting_series_per_kind'),
        ),
        migrations.AddIndex(
            model_name='meeting',
            index=models.Index(fields=['series', 'date'], name='vmi_program_series__9aaad7_idx'),
        ),
        migrations.AddConstraint(
            model_name='meeting',
            constraint=models.CheckConstraint(condition=models.Q(('end_time__isnull', True), ('start_time__isnull', True), ('end_time__gt', models.F('start_time')), _connector='OR'), name='meeting_ends_after_it_starts'),
        ),
        migrations.AddConstraint(
            model_name='meeting',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['planned', 'held', 'cancelled'])), name='meeting_status_valid'),
        ),
        migrations.AddConstraint(
            model_name='meeting',
            constraint=models.UniqueConstraint(fields=('series', 'date'), name='one_meeting_per_series_day'),
        ),
        migrations.AddIndex(
            model_name='membership',
            index=models.Index(fields=['series', 'started_on', 'ended_on'], name='vmi_program_series__ad9c8e_idx'),
        ),
        migrations.AddConstraint(
            model_name='membership',
            constraint=models.CheckConstraint(condition=models.Q(('ended_on__isnull', True), ('ended_on__gte', models.F('started_on')), _connector='OR'), name='membership_dates_ordered'),
        ),
        migrations.AddConstraint(
            model_name='nationalpriority',
            constraint=models.CheckConstraint(condition=models.Q(('active_until__isnull', True), ('active_from__isnull', True), ('active_until__gte', models.F('active_from')), _connector='OR'), name='national_priority_dates_ordered'),
        ),
        migrations.AddConstraint(
            model_name='boardmeasure',
            constraint=models.UniqueConstraint(fields=('board', 'name'), name='unique_measure_per_board'),
        ),
        migrations.AddConstraint(
            model_name='specialmeasuresperiod',
            constraint=models.CheckConstraint(condition=models.Q(('ended_on__isnull', True), ('ended_on__gte', models.F('started_on')), _connector='OR'), name='special_measures_dates_ordered'),
        ),
        migrations.AddConstraint(
            model_name='standardworkversion',
            constraint=models.UniqueConstraint(fields=('document', 'number'), name='unique_version_number'),
        ),
        migrations.AddConstraint(
            model_name='standardworkversion',
            constraint=models.CheckConstraint(condition=models.Q(('number__gte', 1)), name='version_number_positive'),
        ),
        migrations.AddConstraint(
            model_name='strategicobjective',
            constraint=models.UniqueConstraint(fields=('organisation', 'title'), name='unique_objective_title_per_trust'),
        ),
        migrations.AddConstraint(
            model_name='strategicobjective',
            constraint=models.CheckConstraint(condition=models.Q(('active_until__isnull', True), ('active_from__isnull', True), ('active_until__gte', models.F('active_from')), _connector='OR'), name='strategic_objective_dates_ordered'),
        ),
        migrations.AddConstraint(
            model_name='team',
            constraint=models.UniqueConstraint(fields=('organisation', 'name'), name='unique_team_per_trust'),
        ),
        migrations.AddConstraint(
            model_name='team',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['ward', 'department'])), name='team_kind_valid'),
        ),
        migrations.AddConstraint(
            model_name='productionboard',
            constraint=models.UniqueConstraint(fields=('team', 'title'), name='unique_board_per_team'),
        ),
        migrations.AddConstraint(
            model_name='huddle',
            constraint=models.UniqueConstraint(fields=('team', 'date'), name='one_huddle_per_team_day'),
        ),
        migrations.AddConstraint(
            model_name='huddle',
            constraint=models.CheckConstraint(condition=models.Q(('escalations__lte', models.F('issues_raised'))), name='huddle_escalations_within_issues'),
        ),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=state_operations),
        migrations.RunPython(relabel_content_types, migrations.RunPython.noop),
    ]
