"""factory-boy factories shared by the tests: organisations, people, users with roles."""

import factory
from django.contrib.auth import get_user_model

from vmi_programme.models import Organisation, OrganisationKind, Person, RoleAssignment


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("short_name",)

    kind = OrganisationKind.PARTNER_TRUST
    short_name = factory.Sequence(lambda n: f"T{n:03d}")
    name = factory.LazyAttribute(lambda o: f"{o.short_name} Hospitals NHS Trust")
    ods_code = factory.Sequence(lambda n: f"X{n:03d}")
    headcount = 5000


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User{n}")
    password = factory.django.Password("correct-horse-battery")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    organisation = factory.SubFactory(OrganisationFactory)
    full_name = factory.Faker("name", locale="en_GB")
    job_title = "Ward manager"


def user_with_roles(organisation: Organisation, *roles: str, username: str | None = None, **extra):
    """A signed-in-able user whose person works at ``organisation`` and holds ``roles``."""
    user = UserFactory(**({"username": username} if username else {}), **extra)
    person = PersonFactory(organisation=organisation, user=user, full_name=user.get_full_name())
    for role in roles:
        RoleAssignment.objects.create(person=person, role=role)
    return user
