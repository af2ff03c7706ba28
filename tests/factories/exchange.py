import factory
from factory.django import DjangoModelFactory

from exchange import services
from exchange.enums import OrganisationKind, Region, Role
from exchange.models import Need, NeedArea, Organisation, Tag, User


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def make_organisation(
    *,
    admin: User | None = None,
    kind: str = OrganisationKind.COUNCIL,
    name: str | None = None,
    region: str = Region.NORTH_WEST,
    **extra,
) -> Organisation:
    """An organisation created through the real service, with ``admin`` as first admin."""
    admin = admin or UserFactory()
    make_organisation.counter += 1
    return services.organisation_create(
        actor=admin,
        name=name or f"Organisation {make_organisation.counter}",
        kind=kind,
        region=region,
        **extra,
    )


make_organisation.counter = 0


def add_member(
    organisation: Organisation, user: User | None = None, role: str = Role.MEMBER
) -> User:
    """Add a person to an organisation (test shortcut through the service's own helper)."""
    user = user or UserFactory()
    services._membership_add(organisation, user, role)
    return user


class TagFactory(DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"tag {n}")
    slug = factory.LazyAttribute(lambda o: services.tag_slug(o.name))


class NeedAreaFactory(DjangoModelFactory):
    class Meta:
        model = NeedArea

    name = factory.Sequence(lambda n: f"Area {n}")
    slug = factory.Sequence(lambda n: f"test-area-{n}")


class NeedFactory(DjangoModelFactory):
    class Meta:
        model = Need

    area = factory.SubFactory(NeedAreaFactory)
    name = factory.Sequence(lambda n: f"Need {n}")
    slug = factory.Sequence(lambda n: f"test-need-{n}")
