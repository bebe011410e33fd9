"""A national-scale Följsam database for the benchmarks (issue 5, item 11).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/foljsam_bench \\
        .venv/bin/python bench/national.py generate --scale 1
    DATABASE_URL=sqlite:///bench/data/national-tenth.sqlite3 \\
        .venv/bin/python bench/national.py generate --scale 0.1

At scale 1: 1,000,000 participants, 1,200,000 enrolments in 2,000 projects (the largest with
100,000 enrolments, four more with 20,000–50,000, the rest a few hundred each), 8,000,000
participations, 6,000,000 survey answers, 1,000,000 follow-ups, 1,200,000 target-group links and
five goals per project. The database named by DATABASE_URL is emptied and migrated first —
never point it at data you want to keep. The data are random but reproducible (seed 2026) and
shaped like the demo's: exits, follow-up outcomes, answers and hours vary by project, so goals
come out met, not met and uncertain.

Left out, because no dashboard query reads them: consents, status histories, attendance records,
households, contact notes and plans. Identity numbers are encrypted like real ones (numbers in
the demo's födelsenummer range 980–999, never a real person's).

Then `bench/national.py summaries` computes every project's stored summary (goals.summaries)
and `bench/national.py duckdb` copies the raw tables into bench/data/national.duckdb for the
analytical reference (bench/dashboard.py).
"""

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / "data"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "foljsam.settings")
os.environ.setdefault("DEBUG", "1")
# The benchmark's today: projects run 2019–2026, most have finished.
os.environ.setdefault("FOLJSAM_TODAY", "2026-06-30")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, models  # noqa: E402

from core import clock  # noqa: E402

SEED = 2026
TODAY = dt.date(2026, 6, 30)
EPOCH = dt.date(2019, 1, 1)
N_PROJECTS = 2000
LARGE = [100_000, 50_000, 35_000, 25_000, 20_000]
QUESTIONS = ["job_chances", "network", "self_confidence", "satisfaction"]
OCCASIONS = ["entry", "exit", "follow_up"]
GENDERS = np.array(["woman", "man", "other"])
REGIONS = np.array(["sweden", "nordic", "europe", "africa", "asia", "south_america",
                    "north_america", "oceania"])  # fmt: skip
EDUCATION = np.array(["none", "primary", "lower_secondary", "upper_secondary", "post_secondary"])
INCOME = np.array(["social_assistance", "activity_support", "sickness_benefit",
                   "establishment_allowance", "unemployment_insurance", "none"])  # fmt: skip
LABOUR = np.array(["unemployed", "long_term_unemployed", "inactive", "sick_leave",
                   "newly_arrived"])  # fmt: skip
SWEDISH = np.array(["none", "sfi_a", "sfi_b", "sfi_c", "sfi_d", "basic", "fluent"])
OUTCOMES = np.array(["employed_full_time", "employed_part_time", "subsidised_full_time",
                     "self_employed", "studies", "other_programme", "job_seeking", "sick_leave",
                     "parental_leave", "unknown"])  # fmt: skip
EXIT_REASONS = np.array(["completed", "completed", "completed", "dropped_out", "moved", "other"])


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def days(offsets) -> list:
    return [EPOCH + dt.timedelta(days=int(d)) for d in offsets]


# --- writing rows fast -------------------------------------------------------------------------


class Writer:
    """Bulk rows into a model's table: COPY on PostgreSQL, executemany on SQLite. Columns the
    generator does not give are filled as Django would (auto_now, defaults, NULL)."""

    def __init__(self, model):
        self.model = model
        self.table = model._meta.db_table
        self.fields = list(model._meta.concrete_fields)
        now = clock.now()
        self.fill = {}
        for f in self.fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.fill[f.column] = now
            elif f.has_default():
                value = f.get_default()
                self.fill[f.column] = value if not isinstance(value, dict | list) else None
            elif f.null:
                self.fill[f.column] = None
            elif isinstance(f, models.CharField | models.TextField):
                self.fill[f.column] = ""

    def write(self, columns: dict[str, list]) -> int:
        n = len(next(iter(columns.values())))
        names = [f.column for f in self.fields if f.column in columns or f.column in self.fill]
        missing = [
            f.column
            for f in self.fields
            if f.column not in names and not (f.primary_key and "id" not in columns)
        ]
        if missing:
            raise ValueError(f"{self.table}: no value for {missing}")
        names = [c for c in names if c in columns or c != "id"]
        data = [columns[c] if c in columns else [self.fill[c]] * n for c in names]
        rows = zip(*data, strict=True)
        quoted = ", ".join(connection.ops.quote_name(c) for c in names)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                raw = cursor.cursor
                with raw.copy(f"COPY {self.table} ({quoted}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:  # the DB-API cursor itself: Django's debug cursor would keep every row
                marks = ", ".join(["?"] * len(names))
                cursor.cursor.executemany(
                    f"INSERT INTO {self.table} ({quoted}) VALUES ({marks})",
                    [tuple(_sqlite(v) for v in row) for row in rows],
                )
        return n


def _sqlite(value):
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | dict):
        import json

        return json.dumps(value)
    return value


def reset_sequences(*model_list) -> None:
    if connection.vendor != "postgresql":
        return
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), model_list):
            cursor.execute(sql)


# --- the generator -----------------------------------------------------------------------------


def project_sizes(rng, n_projects: int, total: int, scale: float) -> np.ndarray:
    large = [max(int(size * scale), 1) for size in LARGE]
    rest = total - sum(large)
    weights = rng.lognormal(mean=0, sigma=0.6, size=n_projects - len(large))
    floor = max(5, int(100 * scale))
    sizes = floor + rng.multinomial(rest - floor * len(weights), weights / weights.sum())
    return np.concatenate([np.array(large), sizes])


def generate(scale: float, n_projects: int = N_PROJECTS) -> None:
    from django.db import transaction

    log("emptying and migrating the database")
    call_command("migrate", verbosity=0)  # an empty database has no tables to flush
    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    with transaction.atomic():
        _generate(scale, n_projects)
    # The rows were written in bulk, without model signals, and on PostgreSQL with the
    # database's triggers off (session_replication_role): the goals' fact table and the hours
    # kept per intervention are built from them, as `manage.py rebuild_goal_facts` does.
    from goals import facts, hours

    started = time.perf_counter()
    with transaction.atomic():
        facts.rebuild()
    hours.rebuild()
    log(f"goal facts and hours of every project in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _generate(scale: float, n_projects: int) -> None:
    from accounts.models import User
    from core.models import Area, Membership, Municipality, Organisation, Project, Role, TargetGroup
    from enrolments.models import Enrolment, FollowUp
    from goals.definitions import validate_parameters
    from goals.models import Goal, GoalVersion
    from interventions.models import Intervention, InterventionCategory, Participation
    from participants.identity import IdentityNumber, encrypt, keyed_hash
    from participants.models import Participant
    from surveys.models import Question, SurveyAnswer

    rng = np.random.default_rng(SEED)
    started = time.perf_counter()
    n_people = int(1_000_000 * scale)
    n_enrol = int(1_200_000 * scale)
    log(f"scale {scale}: {n_people:,} participants, {n_enrol:,} enrolments, {connection.vendor}")

    from importlib import import_module

    from django.apps import apps

    # flush empties the reference data the data migrations loaded: load it again.
    import_module("core.migrations.0002_load_municipalities").load(apps, None)
    import_module("interventions.migrations.0002_load_categories").load(apps, None)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")  # no FK triggers while loading

    # Organisations, areas, projects, target groups, interventions, users.
    kommuner = list(Municipality.objects.order_by("code")[:290])
    owners = Organisation.objects.bulk_create(
        Organisation(name=f"Bench-organisation {i:04d}", kind="municipality") for i in range(400)
    )
    areas = Area.objects.bulk_create(
        Area(name=f"Område {i:02d}", municipality=kommuner[i % len(kommuner)]) for i in range(60)
    )
    sizes = project_sizes(rng, n_projects, n_enrol, scale)
    starts = rng.integers(0, 4 * 365, n_projects)
    lengths = rng.integers(2 * 365, 4 * 365, n_projects)
    projects = Project.objects.bulk_create(
        Project(
            title=f"Bench-projekt {i:04d}" + (" (stort)" if i < len(LARGE) else ""),
            owner=owners[i % len(owners)],
            phase="implementation",
            starts_on=EPOCH + dt.timedelta(days=int(starts[i])),
            ends_on=EPOCH + dt.timedelta(days=int(starts[i] + lengths[i])),
            follow_up_days=[90],
        )
        for i in range(n_projects)
    )
    project_ids = np.array([p.pk for p in projects])
    target_groups = TargetGroup.objects.bulk_create(
        TargetGroup(project=p, code=f"grupp-{k}", name=f"Målgrupp {k}")
        for p in projects
        for k in range(3)
    )
    tg_ids = np.array([t.pk for t in target_groups]).reshape(n_projects, 3)
    categories = list(InterventionCategory.objects.order_by("order"))
    interventions = Intervention.objects.bulk_create(
        Intervention(
            project=p,
            name=f"Insats {k}",
            category=categories[(i + k) % len(categories)],
            provider=owners[(i + k) % len(owners)],
        )
        for i, p in enumerate(projects)
        for k in range(10)
    )
    iv_ids = np.array([iv.pk for iv in interventions]).reshape(n_projects, 10)
    manager = User.objects.create_user("bench-manager", password="bench")  # noqa: S106
    steering = User.objects.create_user("bench-steering", password="bench")  # noqa: S106
    Membership.objects.bulk_create(
        Membership(user=u, organisation=p.owner, project=p, role=role)
        for p in projects
        for u, role in ((manager, Role.MANAGER), (steering, Role.STEERING))
    )
    log(f"{n_projects} projects, sizes {sizes.max():,} … {np.median(sizes):.0f} (median)")

    # Participants: 97 % identified (encrypted number + keyed hash), 3 % anonymous.
    t = time.perf_counter()
    writer = Writer(Participant)
    chunk = 100_000
    for first in range(0, n_people, chunk):
        n = min(chunk, n_people - first)
        ids = np.arange(first + 1, first + n + 1)
        born = rng.integers(1958, 2004, n)
        anonymous = rng.random(n) < 0.03
        # Twelve-digit numbers in the demo's range (serial 980–999). A national register has
        # more people than that range holds, so the keyed hash is taken over the number and
        # the row id, keeping it unique; no dashboard query reads either column.
        numbers = [
            None
            if anon
            else IdentityNumber(f"{y}{(i % 12) + 1:02d}{(i % 28) + 1:02d}{980 + i % 20:03d}0")
            for i, y, anon in zip(ids.tolist(), born.tolist(), anonymous.tolist(), strict=True)
        ]
        writer.write(
            {
                "id": ids.tolist(),
                "identity_encrypted": ["" if s is None else encrypt(s) for s in numbers],
                "identity_hash": [None if s is None else
                                  keyed_hash(IdentityNumber(f"{s.digits}{i}"))
                                  for i, s in zip(ids.tolist(), numbers, strict=True)],
                "is_anonymous": anonymous.tolist(),
                "given_name": ["" if a else "Bench" for a in anonymous.tolist()],
                "family_name": ["" if a else f"Deltagare {i}" for i, a in
                                zip(ids.tolist(), anonymous.tolist(), strict=True)],
                "gender": GENDERS[rng.choice(3, n, p=[0.47, 0.50, 0.03])].tolist(),
                "birth_year": born.tolist(),
                "region_of_birth": REGIONS[rng.choice(len(REGIONS), n,
                                   p=[0.3, 0.05, 0.15, 0.2, 0.22, 0.04, 0.02, 0.02])].tolist(),
                "education_level": EDUCATION[rng.integers(0, len(EDUCATION), n)].tolist(),
            }
        )  # fmt: skip
    reset_sequences(Participant)
    log(f"participants: {n_people:,} in {time.perf_counter() - t:.0f} s")

    # Enrolments: everyone once, 20 % twice (in another project).
    t = time.perf_counter()
    project_of = np.repeat(np.arange(n_projects), sizes)
    rng.shuffle(project_of)
    person = np.concatenate(
        [np.arange(1, n_people + 1), rng.integers(1, n_people + 1, n_enrol - n_people)]
    )
    # Nobody twice in the same project: draw the second enrolments again until that holds.
    while True:
        key = person.astype(np.int64) * n_projects + project_of
        _, first_seen = np.unique(key, return_index=True)
        twice = np.setdiff1d(np.arange(n_enrol), first_seen)
        if not len(twice):
            break
        person[twice] = rng.integers(1, n_people + 1, len(twice))
    order = np.argsort(project_of, kind="stable")
    project_of, person = project_of[order], person[order]
    p_start, p_len = starts[project_of], lengths[project_of]
    referred = p_start + (rng.random(n_enrol) * (p_len - 200)).astype(int)
    begun = referred + rng.integers(0, 30, n_enrol)
    duration = rng.integers(60, 400, n_enrol)
    exit_day = begun + duration
    today_off = (TODAY - EPOCH).days
    # Each project has its own success rate, so goals land on both sides of their targets.
    success = rng.beta(4, 4, n_projects)[project_of]
    status = np.where(exit_day <= today_off, "exited", "active")
    status = np.where(rng.random(n_enrol) < 0.03, "referred", status)
    exited = status == "exited"
    started_mask = status != "referred"
    enrol_ids = np.arange(1, n_enrol + 1)
    exit_reason = np.where(exited, EXIT_REASONS[rng.integers(0, len(EXIT_REASONS), n_enrol)], "")
    good = rng.random(n_enrol) < success
    exit_status = np.where(
        exited, np.where(good, OUTCOMES[rng.integers(0, 5, n_enrol)],
                         OUTCOMES[rng.integers(5, 10, n_enrol)]), "")  # fmt: skip
    # 40 % live in one of their project's three areas.
    area = np.where(
        rng.random(n_enrol) < 0.4,
        (project_of * 3 + rng.integers(0, 3, n_enrol)) % len(areas),
        -1,
    )
    area_ids = np.array([a.pk for a in areas])
    Writer(Enrolment).write(
        {
            "id": enrol_ids.tolist(),
            "participant_id": person.tolist(),
            "project_id": project_ids[project_of].tolist(),
            "referred_on": days(referred),
            "started_on": [d if s else None for d, s in
                           zip(days(begun), started_mask.tolist(), strict=True)],
            "labour_market_status": LABOUR[rng.integers(0, len(LABOUR), n_enrol)].tolist(),
            "income_source": INCOME[rng.integers(0, len(INCOME), n_enrol)].tolist(),
            "swedish_level": SWEDISH[rng.integers(0, len(SWEDISH), n_enrol)].tolist(),
            "area_id": [None if a < 0 else int(area_ids[a]) for a in area.tolist()],
            "status": status.tolist(),
            "exited_on": [d if e else None for d, e in
                          zip(days(exit_day), exited.tolist(), strict=True)],
            "exit_reason": exit_reason.tolist(),
            "exit_status": exit_status.tolist(),
            "exit_income_source": np.where(exited, np.where(good, "salary", "none"), "").tolist(),
        }
    )  # fmt: skip
    reset_sequences(Enrolment)
    through = Enrolment.target_groups.through
    Writer(through).write(
        {
            "enrolment_id": enrol_ids.tolist(),
            "targetgroup_id": tg_ids[project_of, rng.integers(0, 3, n_enrol)].tolist(),
        }
    )
    log(f"enrolments: {n_enrol:,} (+ target groups) in {time.perf_counter() - t:.0f} s")

    # Participations: on average 6.7 per enrolment, distinct interventions of the project.
    t = time.perf_counter()
    per = np.minimum(rng.poisson(6.67, n_enrol), 10) * started_mask
    n_part = 0
    writer = Writer(Participation)
    for first in range(0, n_enrol, 200_000):
        sl = slice(first, min(first + 200_000, n_enrol))
        k = per[sl]
        picks = np.argsort(rng.random((len(k), 10)), axis=1)
        rows_e = np.repeat(np.arange(sl.start, sl.stop), k)
        rank = np.arange(len(rows_e)) - np.repeat(np.cumsum(k) - k, k)
        chosen = picks[rows_e - sl.start, rank]
        iv = iv_ids[project_of[rows_e], chosen]
        start = begun[rows_e] + rng.integers(0, 30, len(rows_e))
        planned = rng.integers(10, 120, len(rows_e))
        attended = np.round(planned * rng.beta(5, 2, len(rows_e)), 1)
        ended = exited[rows_e]
        n_part += writer.write(
            {
                "intervention_id": iv.tolist(),
                "enrolment_id": enrol_ids[rows_e].tolist(),
                "started_on": days(start),
                "ended_on": [d if e else None for d, e in
                             zip(days(np.maximum(exit_day[rows_e], start)), ended.tolist(),
                                 strict=True)],
                "planned_hours": planned.tolist(),
                "attended_hours": attended.tolist(),
                "completion": np.where(ended, "completed", "ongoing").tolist(),
            }
        )  # fmt: skip
    log(f"participations: {n_part:,} in {time.perf_counter() - t:.0f} s")

    # Survey answers: five of the twelve (occasion, question) pairs per enrolment.
    t = time.perf_counter()
    writer = Writer(SurveyAnswer)
    n_ans = 0
    pairs = [(o, q) for o in OCCASIONS for q in range(len(QUESTIONS))]
    occ = np.array([o for o, _ in pairs])
    que = np.array([q for _, q in pairs])
    # Each project's questions made from the templates, (project index, template index) -> id.
    question_ids = np.array(
        [
            q.pk
            for q in Question.objects.bulk_create(
                Question(project=p, key=key, kind="scale", texts={"sv": key})
                for p in projects
                for key in QUESTIONS
            )
        ]
    ).reshape(n_projects, len(QUESTIONS))
    for first in range(0, n_enrol, 200_000):
        sl = slice(first, min(first + 200_000, n_enrol))
        n = sl.stop - sl.start
        k = np.where(started_mask[sl], 5, 0)
        picks = np.argsort(rng.random((n, len(pairs))), axis=1)[:, :5]
        rows_e = np.repeat(np.arange(sl.start, sl.stop), k)
        chosen = picks[rows_e - sl.start, np.tile(np.arange(5), len(rows_e) // 5)]
        value = np.clip(np.round(1 + 4 * rng.beta(2 + 3 * success[rows_e], 2)), 1, 5)
        n_ans += writer.write(
            {
                "enrolment_id": enrol_ids[rows_e].tolist(),
                "occasion": occ[chosen].tolist(),
                "question_id": question_ids[project_of[rows_e], que[chosen]].tolist(),
                "value": value.astype(int).tolist(),
                "answered_on": days(begun[rows_e]),
            }
        )
    log(f"survey answers: {n_ans:,} in {time.perf_counter() - t:.0f} s")

    # Follow-ups at day 90 for exited enrolments: 80 % recorded, 85 % of those reached.
    t = time.perf_counter()
    e_idx = np.flatnonzero(exited)
    due = exit_day[e_idx] + 90
    recorded = (rng.random(len(e_idx)) < 0.8) & (due <= today_off)
    reached = recorded & (rng.random(len(e_idx)) < 0.85)
    outcome = np.where(good[e_idx], OUTCOMES[rng.integers(0, 5, len(e_idx))],
                       OUTCOMES[rng.integers(4, 10, len(e_idx))])  # fmt: skip
    Writer(FollowUp).write(
        {
            "enrolment_id": enrol_ids[e_idx].tolist(),
            "day": [90] * len(e_idx),
            "due_on": days(due),
            "reached": [r if c else None for r, c in
                        zip(reached.tolist(), recorded.tolist(), strict=True)],
            "status": np.where(reached, outcome, "").tolist(),
            "source": np.where(reached, "register", "").tolist(),
            "recorded_on": [d if c else None for d, c in
                            zip(days(due), recorded.tolist(), strict=True)],
        }
    )  # fmt: skip
    log(f"follow-ups: {len(e_idx):,} in {time.perf_counter() - t:.0f} s")

    # Five goals per project, from the templates the seeds use.
    goal_specs = [
        ("in-work-90", "I arbete 90 dagar efter avslut", "follow_up_share",
         {"population": "completers", "day": 90, "target": 0.5}),
        ("job-chances", "Ökade chanser till jobb", "survey_share",
         {"population": "completers", "question": "job_chances", "target": 0.6}),
        ("gender-split", "Jämn könsfördelning", "gender_split", {}),
        ("job-or-study", "Jobb eller studier vid avslut", "exit_or_survey_share",
         {"population": "completers", "question": "job_chances", "target": 0.7}),
        ("participants", "Antal deltagare", "participation_count",
         {"comparator": "gte", "target": 200}),
    ]  # fmt: skip
    goals = Goal.objects.bulk_create(
        Goal(project=p, key=key, order=i)
        for p in projects
        for i, (key, *_rest) in enumerate(goal_specs)
    )
    checked = {
        key: validate_parameters(template, params, projects[-1])
        for key, _title, template, params in goal_specs
    }

    def parameters(index: int, spec) -> dict:
        """The checked parameters, with a survey goal's question the goal's own project's."""
        key, _title, _template, params = spec
        found = checked[key]
        if "question" in params:
            pk = question_ids[index // len(goal_specs), QUESTIONS.index(params["question"])]
            found = {**found, "question": int(pk)}
        return found

    GoalVersion.objects.bulk_create(
        GoalVersion(
            goal=g, version=1, title=spec[1], template=spec[2], parameters=parameters(i, spec)
        )
        for i, (g, spec) in enumerate(zip(goals, goal_specs * n_projects, strict=True))
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")
    log(f"generated in {time.perf_counter() - started:.0f} s")


def summaries() -> None:
    from core.models import Project
    from goals import summaries as goal_summaries

    t = time.perf_counter()
    projects = list(Project.objects.order_by("pk"))
    for i, project in enumerate(projects):
        goal_summaries.refresh(project)
        if i % 200 == 0:
            log(f"summaries: {i}/{len(projects)}")
    log(f"summaries of {len(projects)} projects in {time.perf_counter() - t:.0f} s")


# Tables the dashboard's raw queries read, copied into DuckDB for the analytical reference.
DUCK_TABLES = [
    "core_project",
    "core_project_areas",
    "core_area",
    "core_targetgroup",
    "participants_participant",
    "enrolments_enrolment",
    "enrolments_enrolment_target_groups",
    "enrolments_followup",
    "interventions_intervention",
    "interventions_interventioncategory",
    "interventions_participation",
    "surveys_surveyanswer",
    "goals_goal",
    "goals_goalversion",
]
DUCK_TYPES = {
    "integer": "INTEGER", "bigint": "BIGINT", "smallint": "SMALLINT", "boolean": "BOOLEAN",
    "date": "DATE", "numeric": "DECIMAL(18,2)", "double precision": "DOUBLE",
    "jsonb": "VARCHAR",
}  # fmt: skip
# Timestamps (created_at, updated_at; no dashboard statement filters on them) stay text: DuckDB
# would need pytz to hand them to Python.


def to_duckdb() -> None:
    """Copy the raw tables from PostgreSQL into bench/data/national.duckdb (CSV in between)."""
    import duckdb

    assert connection.vendor == "postgresql", "copy from the PostgreSQL benchmark database"
    DATA.mkdir(parents=True, exist_ok=True)
    target = DATA / "national.duckdb"
    target.unlink(missing_ok=True)
    duck = duckdb.connect(str(target))
    t = time.perf_counter()
    with connection.cursor() as cursor:
        for table in DUCK_TABLES:
            cursor.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_name = %s ORDER BY ordinal_position",
                [table],
            )
            columns = cursor.fetchall()
            csv = DATA / f"{table}.csv"
            with (
                open(csv, "wb") as out,
                cursor.cursor.copy(f"COPY {table} TO STDOUT WITH (FORMAT csv, HEADER)") as copy,
            ):
                for block in copy:
                    out.write(block)
            spec = ", ".join(f'"{c}" {DUCK_TYPES.get(ty, "VARCHAR")}' for c, ty in columns)
            duck.execute(f"CREATE TABLE {table} ({spec})")
            types = {c: DUCK_TYPES.get(ty, "VARCHAR") for c, ty in columns}
            duck.execute(
                f"INSERT INTO {table} SELECT * FROM read_csv(?, header=true, columns=?)",
                [str(csv), types],
            )
            csv.unlink()
            log(f"duckdb: {table}")
    duck.close()
    log(f"duckdb copy in {time.perf_counter() - t:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="empty DATABASE_URL's database and fill it")
    gen.add_argument("--scale", type=float, default=1.0)
    gen.add_argument("--projects", type=int, default=N_PROJECTS, help="fewer for a quick try")
    sub.add_parser("summaries", help="compute every project's stored summary")
    sub.add_parser("duckdb", help="copy the raw tables into bench/data/national.duckdb")
    args = parser.parse_args()
    if args.command == "generate":
        generate(args.scale, args.projects)
    elif args.command == "summaries":
        summaries()
    else:
        to_duckdb()


if __name__ == "__main__":
    main()
