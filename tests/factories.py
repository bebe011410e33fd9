"""factory_boy factories for the domain. Identity numbers come from the demo's reserved series."""

import datetime as dt
import itertools

import factory
from django.contrib.auth import get_user_model

from core.models import Membership, Municipality, Organisation, Project, Role
from enrolments.models import Enrolment, Status
from interventions.models import Intervention, InterventionCategory, Participation
from participants.models import Consent, Gender, Participant

_serials = itertools.count(980)


def demo_identity_number(birth: dt.date | None = None, serial: int | None = None) -> str:
    """A valid twelve-digit number in the test series (födelsenummer 980–999). Without a serial,
    the next of 300 numbers born 1–15 May 1980, so two made in one test never collide, nor with
    the numbers tests write out (born 17 May 1980)."""
    from core.validators import luhn_check_digit

    if serial is None:
        k = next(_serials) - 980
        serial = 980 + k % 20
        birth = birth or dt.date(1980, 5, 1) + dt.timedelta(days=(k // 20) % 15)
    birth = birth or dt.date(1980, 5, 17)
    ten = f"{birth:%y%m%d}{serial:03d}"
    return f"{birth:%Y%m%d}{serial:03d}{luhn_check_digit(ten)}"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User {n}")
    password = factory.django.Password("demo")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.MUNICIPALITY


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Projekt {n}")
    owner = factory.SubFactory(OrganisationFactory)
    phase = Project.Phase.IMPLEMENTATION
    starts_on = dt.date(2009, 1, 1)
    ends_on = dt.date(2011, 12, 31)
    programme_area = "Programområde 2 Ökat arbetskraftsutbud"
    region = "Sydsverige"

    @factory.post_generation
    def municipalities(self, create, extracted, **kwargs):
        if create:
            self.municipalities.add(*(extracted or Municipality.objects.filter(name="Malmö")))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    project = factory.SubFactory(ProjectFactory)
    role = Role.CASE_WORKER


class ParticipantFactory(factory.django.DjangoModelFactory):
    """Pass identity="YYYYMMDDNNNC" for a given number; anonymous ones get none."""

    class Meta:
        model = Participant

    given_name = "Sara"
    family_name = factory.Sequence(lambda n: f"Testsson {n}")
    gender = Gender.WOMAN
    birth_year = 1980

    @classmethod
    def _create(cls, model_class, *args, identity=None, **kwargs):
        participant = model_class(*args, **kwargs)
        if not participant.is_anonymous:
            participant.set_identity_number(identity or demo_identity_number())
        participant.save()
        return participant


class AnonymousParticipantFactory(ParticipantFactory):
    is_anonymous = True
    given_name = ""
    family_name = ""


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent
        skip_postgeneration_save = True

    participant = factory.SubFactory(ParticipantFactory)
    project = factory.SubFactory(ProjectFactory)
    purposes = ["registration", "information_exchange"]
    given_on = dt.date(2009, 2, 1)

    @factory.post_generation
    def organisations(self, create, extracted, **kwargs):
        if create and extracted:
            self.organisations.add(*extracted)


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    participant = factory.SubFactory(ParticipantFactory)
    project = factory.SubFactory(ProjectFactory)
    referred_on = dt.date(2009, 2, 1)
    started_on = dt.date(2009, 2, 15)
    status = Status.ACTIVE


class InterventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Intervention

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"Praktik {n}")
    category = factory.LazyFunction(lambda: InterventionCategory.objects.get(code="internship"))
    provider = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.EMPLOYER)


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    intervention = factory.SubFactory(InterventionFactory)
    enrolment = factory.SubFactory(EnrolmentFactory)
    started_on = dt.date(2009, 3, 1)
    planned_hours = 40
