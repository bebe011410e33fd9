"""The engine behind the synthetic participants: people, enrolments and everything recorded
about them (consents, participation with hours, assessments, action plans, contact notes,
surveys, follow-ups), collected in memory and written with bulk inserts at the end.

What happens to each person (referral, start, exit, follow-up answers) is decided by the cohort
code in demo.cohorts; this module turns such a `Case` into rows that satisfy every model
constraint. Randomness comes from one random.Random, so the data set is the same every time.
"""

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from core.periods import follow_up_until
from enrolments.models import (
    ContactNote,
    Enrolment,
    ExitReason,
    FollowUp,
    IncomeSource,
    OutcomeStatus,
    Status,
)
from interventions.models import (
    AttendanceRecord,
    AttendanceSession,
    Intervention,
    InterventionCategory,
    Participation,
)
from participants.models import Consent, EducationLevel, Participant
from plans.models import ActionPlan, ActionPlanStep, Assessment, AssessmentItem, Domain
from surveys.models import Source, SurveyAnswer
from surveys.services import template_question

from .identity import DemoIdentityNumbers
from .names import ORIGINS
from .texts import ASSESSMENT_NOTES, NOTE_TEXTS, PLAN_GOALS

C = Participation.Completion
STEP = ActionPlanStep.StepStatus
IN_WORK = {
    OutcomeStatus.EMPLOYED_FULL_TIME,
    OutcomeStatus.EMPLOYED_PART_TIME,
    OutcomeStatus.SUBSIDISED_FULL_TIME,
    OutcomeStatus.SUBSIDISED_PART_TIME,
    OutcomeStatus.SELF_EMPLOYED,
}
# Planned hours of one participation, by intervention category.
HOURS = {
    "outreach": (4, 12),
    "guidance": (10, 40),
    "sfi": (150, 400),
    "civic_orientation": (40, 80),
    "basic_education": (100, 300),
    "vocational_training": (120, 320),
    "internship": (120, 480),
    "work_training": (120, 400),
    "subsidised_employment": (480, 960),
    "job_search": (20, 60),
    "entrepreneurship": (30, 80),
    "health": (16, 40),
    "validation": (10, 30),
    "mentoring": (10, 24),
    "other": (10, 40),
}
# Typical length in days of one participation, by category.
DAYS = {"sfi": 150, "internship": 90, "vocational_training": 100, "subsidised_employment": 180}
LANGUAGE_RATING = {"none": 1, "sfi_a": 1, "sfi_b": 2, "sfi_c": 2, "sfi_d": 3, "basic": 4}


@dataclass
class FollowUpPlan:
    day: int
    reached: bool | None  # None: not recorded
    status: str = ""
    income_source: str = ""
    source: str = ""


@dataclass
class Case:
    """Everything decided about one enrolment before it is written."""

    project_key: str
    participant: Participant
    referred_on: dt.date
    referred_by: object
    case_worker: tuple  # (user, organisation)
    status: str
    as_of: dt.date
    started_on: dt.date | None = None
    baseline: dict = field(default_factory=dict)
    target_groups: list = field(default_factory=list)
    exited_on: dt.date | None = None
    exit_reason: str = ""
    exit_status: str = ""
    exit_income_source: str = ""
    follow_ups: list[FollowUpPlan] = field(default_factory=list)
    surveys: dict[str, dict[str, int]] = field(default_factory=dict)
    interventions: list = field(default_factory=list)
    consent_orgs: list = field(default_factory=list)
    consent_withdrawn_on: dt.date | None = None
    enrolment: Enrolment | None = None
    participations: list = field(default_factory=list)
    municipality: str = ""

    @property
    def ended_on(self) -> dt.date:
        """The last day of taking part: exit, withdrawal, or the data set's as-of date."""
        if self.status == Status.WITHDRAWN and self.consent_withdrawn_on:
            return self.consent_withdrawn_on
        return self.exited_on or self.as_of


# How the demo's consents were given: mostly the paper form, some BankID, a few verbal.
CONSENT_METHODS = [Consent.Method.PAPER] * 6 + [Consent.Method.E_ID] * 3 + [Consent.Method.VERBAL]


def days(a: dt.date, b: dt.date) -> int:
    return (b - a).days


class Synthetic:
    def __init__(self, world, rng: random.Random):
        self.world = world
        self.rng = rng
        self.numbers = DemoIdentityNumbers(rng)
        self.categories = {c.code: c for c in InterventionCategory.objects.all()}
        self.interventions: dict[str, dict[str, Intervention]] = {}
        self.participants: list[Participant] = []
        self.first_seen: dict[int, dt.date] = {}
        self.cases: list[Case] = []
        self.rows: dict[type, list] = defaultdict(list)
        self.m2m: list[tuple] = []  # (manager attribute, owner object, [related objects])
        self.backdate: dict[type, list[tuple]] = defaultdict(list)
        self._project_orgs: dict[str, set[int]] = {}

    # People -------------------------------------------------------------------------------

    def pick(self, weights: dict):
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def sample(self, items, k: int) -> list:
        items = list(items)
        return self.rng.sample(items, max(0, min(k, len(items))))

    def participant(
        self,
        *,
        origin: str,
        gender: str,
        birth_year: int,
        arrival_year: int | None = None,
        education: str = EducationLevel.UNKNOWN,
        anonymous: bool = False,
        protected: bool = False,
        coordination: bool = False,
        household=None,
        disability: bool | None = None,
        interpreter: bool = False,
        created_by=None,
    ) -> Participant:
        o = ORIGINS[origin]
        p = Participant(
            gender=gender,
            birth_year=birth_year,
            region_of_birth=o.region_of_birth,
            arrival_year=arrival_year,
            education_level=education,
            interpreter_language=o.interpreter_language if interpreter else "",
            disability=disability,
            household=household,
            created_by=created_by,
            is_anonymous=anonymous,
            protected_identity=protected,
        )
        if not anonymous:
            p.given_name = self.rng.choice(o.men if gender == "man" else o.women)
            p.family_name = self.rng.choice(o.family)
            p.set_identity_number(
                self.numbers.new(gender=gender, birth_year=birth_year, coordination=coordination)
            )
        self.participants.append(p)
        return p

    # Interventions ------------------------------------------------------------------------

    def create_interventions(self, key: str, specs) -> dict[str, Intervention]:
        """specs: (name, category code, provider name, starts_on, ends_on, capacity)."""
        project = self.world.projects[key]
        objs = Intervention.objects.bulk_create(
            Intervention(
                project=project,
                name=name,
                category=self.categories[code],
                provider=self.world.orgs[provider],
                starts_on=starts,
                ends_on=ends,
                capacity=capacity,
            )
            for name, code, provider, starts, ends, capacity in specs
        )
        self.interventions[key] = {i.name: i for i in objs}
        return self.interventions[key]

    def project_orgs(self, key: str) -> set[int]:
        if key not in self._project_orgs:
            self._project_orgs[key] = self.world.project_organisations(key)
        return self._project_orgs[key]

    # Cases --------------------------------------------------------------------------------

    def add(self, case: Case) -> Enrolment:
        """Turn a decided case into an enrolment and all its records."""
        rng = self.rng
        project = self.world.projects[case.project_key]
        user, organisation = case.case_worker
        e = Enrolment(
            participant=case.participant,
            project=project,
            referred_on=case.referred_on,
            referred_by=case.referred_by,
            started_on=case.started_on,
            case_worker=user,
            status=case.status,
            exited_on=case.exited_on,
            exit_reason=case.exit_reason,
            exit_status=case.exit_status,
            exit_income_source=case.exit_income_source,
            **case.baseline,
        )
        case.enrolment = e
        self.cases.append(case)
        self.rows[Enrolment].append(e)
        if case.target_groups:
            self.m2m.append(("target_groups", e, case.target_groups))
        pid = id(case.participant)
        self.first_seen[pid] = min(self.first_seen.get(pid, case.referred_on), case.referred_on)
        if not case.participant.is_anonymous and case.consent_orgs:
            self._consent(case, user)
        if case.started_on:
            self._participations(case)
            self._assessments(case, user)
            self._plans(case, user, organisation)
            self._notes(case, user, organisation)
        for occasion, answers in case.surveys.items():
            answered_on = self._survey_date(case, occasion)
            for key, value in answers.items():
                self.rows[SurveyAnswer].append(
                    SurveyAnswer(
                        enrolment=e,
                        occasion=occasion,
                        question=self._question(project, key),
                        value=value,
                        answered_on=answered_on,
                        source=self._survey_source(),
                    )
                )
        # A follow-up is recorded on its due date or up to three weeks later, but never after
        # the project's follow-up time (core.periods: the longest follow-up day after its end).
        last_follow_up_day = follow_up_until(project)
        for plan in case.follow_ups:
            due = case.exited_on + dt.timedelta(days=plan.day)
            recorded = plan.reached is not None
            recorded_on = (
                min(due + dt.timedelta(days=rng.randint(0, 21)), last_follow_up_day)
                if recorded
                else None
            )
            self.rows[FollowUp].append(
                FollowUp(
                    enrolment=e,
                    day=plan.day,
                    due_on=due,
                    reached=plan.reached,
                    status=plan.status if plan.reached else "",
                    income_source=plan.income_source if plan.reached else "",
                    source=plan.source if plan.reached else "",
                    recorded_on=recorded_on,
                    recorded_by=user if recorded else None,
                )
            )
        return e

    def _question(self, project, key: str):
        """The project tree's question made from the template (cached per project)."""
        cache = self.__dict__.setdefault("_questions", {})
        if (project.pk, key) not in cache:
            cache[project.pk, key] = template_question(project, key)
        return cache[project.pk, key]

    def _survey_source(self) -> str:
        """Most participants answer on their personal link; some on paper at the office. Its own
        random stream, so the rest of the demo comes out as before."""
        rng = self.__dict__.setdefault("_source_rng", random.Random(14))
        return Source.PAPER if rng.random() < 0.12 else Source.LINK

    def _survey_date(self, case: Case, occasion: str) -> dt.date:
        if occasion == "entry":
            return case.started_on + dt.timedelta(days=self.rng.randint(0, 10))
        if occasion == "exit":
            back = min(7, days(case.started_on, case.exited_on))
            return case.exited_on - dt.timedelta(days=self.rng.randint(0, back))
        first = case.follow_ups[0]
        return case.exited_on + dt.timedelta(days=first.day + self.rng.randint(0, 14))

    def _consent(self, case: Case, user) -> None:
        purposes = [Consent.Purpose.REGISTRATION]
        if self.rng.random() < 0.92:
            purposes.append(Consent.Purpose.INFORMATION_EXCHANGE)
        if self.rng.random() < 0.88:
            purposes.append(Consent.Purpose.SURVEY_CONTACT)
        consent = Consent(
            participant=case.participant,
            project=self.world.projects[case.project_key],
            purposes=purposes,
            given_on=case.referred_on,
            recorded_by=user,
            # Who confirmed the consent and how (taken in turn, not from the random stream, so
            # the rest of the demo stays as it was).
            method=CONSENT_METHODS[len(self.rows[Consent]) % len(CONSENT_METHODS)],
            confirmed_by=user,
            confirmed_at=dt.datetime.combine(
                case.referred_on, dt.time(10, 0), tzinfo=timezone.get_current_timezone()
            ),
            withdrawn_on=case.consent_withdrawn_on,
            withdrawal_recorded_by=user if case.consent_withdrawn_on else None,
        )
        self.rows[Consent].append(consent)
        self.m2m.append(("organisations", consent, list(dict.fromkeys(case.consent_orgs))))

    def _participations(self, case: Case) -> None:
        rng = self.rng
        start, end = case.started_on, case.ended_on
        span = max(1, days(start, end))
        last = len(case.interventions) - 1
        case.participations = []
        for i, intervention in enumerate(case.interventions):
            code = intervention.category.code
            p_start = start + dt.timedelta(days=rng.randint(0, span // 2) if i else 0)
            if intervention.starts_on and p_start < intervention.starts_on:
                p_start = intervention.starts_on
            if p_start > end:
                continue  # the intervention had not started yet
            length = int(DAYS.get(code, 45) * rng.uniform(0.6, 1.3))
            p_end = min(p_start + dt.timedelta(days=length), end)
            if case.exited_on is None and p_end >= case.as_of:
                completion, p_end = C.ONGOING, None
            elif case.status == Status.WITHDRAWN:
                completion = C.INTERRUPTED
            elif case.exit_reason == ExitReason.COMPLETED:
                completion = C.COMPLETED if rng.random() < 0.88 else C.INTERRUPTED
            elif case.exited_on is not None and i == last:
                completion = C.INTERRUPTED
            else:
                completion = C.COMPLETED if rng.random() < 0.7 else C.INTERRUPTED
            low, high = HOURS.get(code, (10, 40))
            planned = rng.randint(low, high)
            factor = {
                C.COMPLETED: rng.uniform(0.78, 1.0),
                C.INTERRUPTED: rng.uniform(0.15, 0.6),
                C.ONGOING: rng.uniform(0.3, 0.7),
            }[completion]
            participation = Participation(
                intervention=intervention,
                enrolment=case.enrolment,
                started_on=p_start,
                ended_on=p_end,
                planned_hours=planned,
                attended_hours=round(planned * factor, 1),
                completion=completion,
            )
            self.rows[Participation].append(participation)
            case.participations.append(participation)

    def _assessments(self, case: Case, user) -> None:
        rng = self.rng
        if rng.random() > 0.72:
            return
        domains = self.sample(Domain.values, rng.randint(6, 9))
        if Domain.LANGUAGE not in domains:
            domains[0] = Domain.LANGUAGE
        first = case.started_on + dt.timedelta(days=rng.randint(0, 14))
        language = LANGUAGE_RATING.get(case.baseline.get("swedish_level"), 5)
        ratings = {
            d: language if d == Domain.LANGUAGE else self.pick({1: 2, 2: 4, 3: 4, 4: 2, 5: 1})
            for d in domains
        }
        self._assessment(case, first, user, ratings)
        if days(first, case.ended_on) > 100 and rng.random() < 0.45:
            later = {d: min(5, r + self.pick({0: 3, 1: 4, 2: 2})) for d, r in ratings.items()}
            self._assessment(
                case, case.ended_on - dt.timedelta(days=rng.randint(7, 30)), user, later
            )

    def _assessment(self, case, on, user, ratings) -> None:
        a = Assessment(enrolment=case.enrolment, assessed_on=on, assessed_by=user)
        self.rows[Assessment].append(a)
        for domain, rating in ratings.items():
            band = 0 if rating <= 2 else 1 if rating == 3 else 2
            note = ASSESSMENT_NOTES[domain][band] if self.rng.random() < 0.7 else ""
            self.rows[AssessmentItem].append(
                AssessmentItem(assessment=a, domain=domain, rating=rating, note=note)
            )

    def _plans(self, case: Case, user, organisation) -> None:
        rng = self.rng
        if rng.random() > 0.82:
            return
        project = self.world.projects[case.project_key]
        orgs = self.project_orgs(case.project_key)
        goals = PLAN_GOALS[case.project_key]
        agreed = case.started_on + dt.timedelta(days=rng.randint(5, 25))
        if agreed > case.ended_on:
            agreed = case.started_on
        versions = [agreed]
        midpoint = agreed + dt.timedelta(days=days(agreed, case.ended_on) // 2)
        if days(agreed, case.ended_on) > 120 and rng.random() < 0.35:
            versions.append(midpoint)
        for number, saved_on in enumerate(versions, start=1):
            final = number == len(versions)
            plan = ActionPlan(
                enrolment=case.enrolment,
                version=number,
                goals=rng.choice(goals),
                created_by=user,
                agreed_on=saved_on if rng.random() < 0.93 else None,
            )
            plan.agreement_method = (
                self.pick({"signed": 5, "verbal": 4, "digital": 1}) if plan.agreed_on else ""
            )
            self.rows[ActionPlan].append(plan)
            self.backdate[ActionPlan].append((plan, saved_on))
            order = 0
            for participation in case.participations[:4]:
                intervention = participation.intervention
                responsible = (
                    intervention.provider if intervention.provider_id in orgs else project.owner
                )
                if not final:
                    status = (
                        STEP.IN_PROGRESS if participation.started_on <= saved_on else STEP.PLANNED
                    )
                else:
                    status = {
                        C.COMPLETED: STEP.DONE,
                        C.INTERRUPTED: STEP.CANCELLED,
                        C.ONGOING: STEP.IN_PROGRESS,
                    }[participation.completion]
                order += 1
                self.rows[ActionPlanStep].append(
                    ActionPlanStep(
                        plan=plan,
                        order=order,
                        description=f"Delta i {intervention.name}",
                        responsible_organisation=responsible,
                        responsible_person=user.get_full_name()
                        if responsible.pk == organisation.pk
                        else "",
                        due_on=participation.ended_on
                        or participation.started_on + dt.timedelta(days=90),
                        status=status,
                        intervention=intervention,
                    )
                )
            order += 1
            self.rows[ActionPlanStep].append(
                ActionPlanStep(
                    plan=plan,
                    order=order,
                    description="Uppföljningssamtal om planen och nästa steg",
                    responsible_organisation=organisation,
                    responsible_person=user.get_full_name(),
                    due_on=saved_on + dt.timedelta(days=60),
                    status=STEP.DONE if final and case.exited_on else STEP.PLANNED,
                )
            )

    def _notes(self, case: Case, user, organisation) -> None:
        rng = self.rng
        span = days(case.referred_on, case.ended_on)
        count = min(8, 2 + span // 75 + rng.randint(0, 1))
        home_visits = case.project_key == "omr_segevang"
        for _ in range(count):
            kind = self.pick(
                {
                    "meeting": 40,
                    "phone": 25,
                    "group_session": 10,
                    "employer_contact": 8,
                    "message": 10,
                    "home_visit": 12 if home_visits else 2,
                }
            )
            on = case.referred_on + dt.timedelta(days=rng.randint(0, max(0, span)))
            note = ContactNote(
                enrolment=case.enrolment,
                happened_on=on,
                kind=kind,
                author=user,
                author_organisation=organisation,
                text=rng.choice(NOTE_TEXTS[kind]),
                visibility=ContactNote.Visibility.ORGANISATION
                if rng.random() < 0.15
                else ContactNote.Visibility.PROJECT,
            )
            self.rows[ContactNote].append(note)
            self.backdate[ContactNote].append((note, on))

    # Writing ------------------------------------------------------------------------------

    ORDER = [  # parents before children
        Enrolment,
        Consent,
        Participation,
        AttendanceSession,
        AttendanceRecord,
        Assessment,
        AssessmentItem,
        ActionPlan,
        ActionPlanStep,
        ContactNote,
        SurveyAnswer,
        FollowUp,
    ]

    def write(self) -> dict[str, int]:
        Participant.objects.bulk_create(self.participants, batch_size=500)
        for model in self.ORDER:
            model.objects.bulk_create(self.rows[model], batch_size=500)
        by_manager = defaultdict(list)
        for attribute, owner, related in self.m2m:
            through = getattr(type(owner), attribute).through
            by_manager[through].extend((owner, r) for r in related)
        for through, pairs in by_manager.items():
            source, target = self._through_fields(through)
            through.objects.bulk_create(
                [through(**{source: a.pk, target: b.pk}) for a, b in pairs], batch_size=500
            )
        self._backdate()
        counts = {"participants": len(self.participants)}
        counts.update({LABELS[model]: len(self.rows[model]) for model in self.ORDER})
        return counts

    @staticmethod
    def _through_fields(through) -> tuple[str, str]:
        fks = [f for f in through._meta.fields if f.is_relation]
        return fks[0].attname, fks[1].attname

    def _backdate(self) -> None:
        """auto_now_add fields say when a row was written; the demo dates them when it happened."""
        tz = timezone.get_current_timezone()

        def at(day: dt.date) -> dt.datetime:
            return dt.datetime(day.year, day.month, day.day, 10, 0, tzinfo=tz)

        for p in self.participants:
            p.created_at = at(self.first_seen.get(id(p), dt.date(2008, 7, 1)))
        Participant.objects.bulk_update(self.participants, ["created_at"], batch_size=500)
        for model, pairs in self.backdate.items():
            for obj, day in pairs:
                obj.created_at = at(day)
            model.objects.bulk_update([o for o, _ in pairs], ["created_at"], batch_size=500)


LABELS = {
    Enrolment: "enrolments",
    Consent: "consents",
    Participation: "participations",
    AttendanceSession: "group sessions",
    AttendanceRecord: "attendance records",
    Assessment: "assessments",
    AssessmentItem: "assessment items",
    ActionPlan: "action plans (versions)",
    ActionPlanStep: "action plan steps",
    ContactNote: "contact notes",
    SurveyAnswer: "survey answers",
    FollowUp: "follow-ups",
}


def income_for(status: str, *, not_working: str) -> str:
    """The income source that goes with a status at exit or follow-up."""
    return {
        OutcomeStatus.EMPLOYED_FULL_TIME: IncomeSource.SALARY,
        OutcomeStatus.EMPLOYED_PART_TIME: IncomeSource.SALARY,
        OutcomeStatus.SUBSIDISED_FULL_TIME: IncomeSource.SALARY,
        OutcomeStatus.SUBSIDISED_PART_TIME: IncomeSource.SALARY,
        OutcomeStatus.SELF_EMPLOYED: IncomeSource.OTHER,
        OutcomeStatus.STUDIES: IncomeSource.STUDY_ALLOWANCE,
        OutcomeStatus.OTHER_PROGRAMME: IncomeSource.ACTIVITY_SUPPORT,
        OutcomeStatus.SICK_LEAVE: IncomeSource.SICKNESS_BENEFIT,
        OutcomeStatus.PARENTAL_LEAVE: IncomeSource.OTHER,
    }.get(status, not_working)
