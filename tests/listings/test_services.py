import pytest

from exchange import services as core
from exchange.enums import Role
from exchange.exceptions import InvalidTransition, PermissionDenied, ValidationError
from exchange.models import Need, Tag
from listings import services
from listings.enums import ListingKind, ListingStatus, PriceModel, Visibility
from listings.models import Listing
from tests.factories.exchange import UserFactory, add_member
from tests.factories.listings import make_listing

pytestmark = pytest.mark.django_db


def test_listing_create_by_member_is_a_draft_with_tags_and_needs(council):
    author = council.memberships.get().user
    needs = list(Need.objects.order_by("pk")[:2])

    listing = services.listing_create(
        actor=author,
        organisation=council,
        kind=ListingKind.REQUEST,
        title="  Reduce isolation among older residents ",
        summary="We need befriending.",
        tag_names=["Befriending", " befriending ", "Older  People"],
        needs=needs,
        budget_pence=2_500_000,
    )

    assert listing.status == ListingStatus.DRAFT
    assert listing.title == "Reduce isolation among older residents"
    assert listing.slug == "reduce-isolation-among-older-residents"
    assert listing.published_at is None
    assert sorted(listing.tags.values_list("slug", flat=True)) == ["befriending", "older-people"]
    assert list(listing.needs.order_by("pk")) == needs
    assert listing.budget_pence == 2_500_000


def test_listing_create_by_non_member_is_refused_and_writes_nothing(council):
    outsider = UserFactory()

    with pytest.raises(PermissionDenied):
        services.listing_create(
            actor=outsider,
            organisation=council,
            kind=ListingKind.IDEA,
            title="Sneaky",
            summary="Not mine.",
            tag_names=["brand-new-tag"],
        )

    assert Listing.objects.count() == 0
    assert Tag.objects.filter(slug="brand-new-tag").count() == 0


def test_listing_create_priced_model_without_amount_is_refused(supplier):
    author = supplier.memberships.get().user

    with pytest.raises(ValidationError) as excinfo:
        services.listing_create(
            actor=author,
            organisation=supplier,
            kind=ListingKind.PRODUCT,
            title="Bins",
            summary="Smart bins.",
            price_model=PriceModel.FIXED,
            price_pence=None,
        )

    assert excinfo.value.message_dict == {"price_pence": ["Enter the price for this price model."]}
    assert Listing.objects.count() == 0


def test_listing_create_drops_budget_on_offers_and_price_on_free(supplier):
    author = supplier.memberships.get().user

    listing = services.listing_create(
        actor=author,
        organisation=supplier,
        kind=ListingKind.PRODUCT,
        title="Bins",
        summary="Smart bins.",
        price_model=PriceModel.FREE,
        price_pence=500,
        budget_pence=100,
    )

    assert (listing.price_pence, listing.budget_pence) == (None, None)


def test_listing_create_shared_without_organisations_is_refused(supplier):
    author = supplier.memberships.get().user

    with pytest.raises(ValidationError):
        services.listing_create(
            actor=author,
            organisation=supplier,
            kind=ListingKind.SERVICE,
            title="Quiet",
            summary="Only for friends.",
            visibility=Visibility.SHARED,
        )

    assert Listing.objects.count() == 0


@pytest.mark.parametrize(
    ("start", "action", "expected"),
    [
        ("draft", services.listing_publish, "published"),
        ("draft", services.listing_archive, "archived"),
        ("published", services.listing_close, "closed"),
        ("published", services.listing_archive, "archived"),
        ("closed", services.listing_publish, "published"),
        ("closed", services.listing_archive, "archived"),
    ],
)
def test_listing_transition_allowed(start, action, expected, supplier):
    listing = make_listing(organisation=supplier, publish=start != "draft")
    author = supplier.memberships.get().user
    if start == "closed":
        listing = services.listing_close(actor=author, listing=listing)

    listing = action(actor=author, listing=listing)

    listing.refresh_from_db()
    assert listing.status == expected
    assert listing.published_at is not None


@pytest.mark.parametrize(
    ("start", "action"),
    [
        ("draft", services.listing_close),
        ("published", services.listing_publish),
        ("archived", services.listing_publish),
        ("archived", services.listing_close),
        ("archived", services.listing_archive),
    ],
)
def test_listing_transition_refused(start, action, supplier):
    author = supplier.memberships.get().user
    listing = make_listing(organisation=supplier, publish=start == "published")
    if start == "archived":
        listing = services.listing_archive(actor=author, listing=listing)
    before = Listing.objects.values("status", "published_at").get(pk=listing.pk)

    with pytest.raises(InvalidTransition):
        action(actor=author, listing=listing)

    assert Listing.objects.values("status", "published_at").get(pk=listing.pk) == before


def test_listing_publish_sets_published_at_once(supplier):
    author = supplier.memberships.get().user
    listing = make_listing(organisation=supplier)
    first = listing.published_at
    services.listing_close(actor=author, listing=listing)

    listing = services.listing_publish(actor=author, listing=listing)

    assert listing.published_at == first


def test_listing_publish_by_other_organisation_is_refused(supplier, council):
    listing = make_listing(organisation=supplier, publish=False)
    stranger = council.memberships.get().user

    with pytest.raises(PermissionDenied):
        services.listing_publish(actor=stranger, listing=listing)

    listing.refresh_from_db()
    assert listing.status == ListingStatus.DRAFT


def test_listing_update_by_any_member_of_owner(supplier):
    listing = make_listing(organisation=supplier)
    colleague = add_member(supplier, role=Role.MEMBER)

    updated = services.listing_update(
        actor=colleague, listing=listing, title="Solar compacting bins", tag_names=["solar"]
    )

    assert (updated.title, updated.slug) == ("Solar compacting bins", "solar-compacting-bins")
    assert list(updated.tags.values_list("slug", flat=True)) == ["solar"]


def test_listing_update_survives_staff_changes_at_owner(supplier):
    listing = make_listing(organisation=supplier)
    newcomer = add_member(supplier)
    original_admin = supplier.memberships.get(role=Role.ADMIN).user
    add_member(supplier, newcomer, Role.ADMIN)
    core.membership_leave(actor=original_admin, organisation=supplier)

    updated = services.listing_update(actor=newcomer, listing=listing, summary="Still ours.")

    assert updated.summary == "Still ours."


def test_listing_update_by_former_member_is_refused(supplier):
    listing = make_listing(organisation=supplier)
    leaver = add_member(supplier)
    core.membership_leave(actor=leaver, organisation=supplier)

    with pytest.raises(PermissionDenied):
        services.listing_update(actor=leaver, listing=listing, title="Defaced")
    listing.refresh_from_db()
    assert listing.title == "Smart bins for town centres"


def test_listing_update_of_archived_is_refused(supplier):
    author = supplier.memberships.get().user
    listing = services.listing_archive(actor=author, listing=make_listing(organisation=supplier))

    with pytest.raises(InvalidTransition):
        services.listing_update(actor=author, listing=listing, title="Back from the dead")

    listing.refresh_from_db()
    assert listing.title == "Smart bins for town centres"


def test_listing_update_unknown_field_is_refused(supplier):
    author = supplier.memberships.get().user
    listing = make_listing(organisation=supplier)

    with pytest.raises(ValidationError):
        services.listing_update(actor=author, listing=listing, organisation_id=999)


def test_listing_share_restricts_to_named_organisations(supplier, council):
    author = supplier.memberships.get().user
    listing = make_listing(organisation=supplier)

    listing = services.listing_share(
        actor=author, listing=listing, organisations=[council, supplier]
    )

    assert listing.visibility == Visibility.SHARED
    assert list(listing.shared_with.all()) == [council]


def test_tags_from_names_follow_merges(supplier):
    staff = UserFactory(is_staff=True)
    old, new = core.tags_from_names(["elderly", "older people"])
    core.tag_merge(actor=staff, source=old, target=new)

    listing = make_listing(organisation=supplier, tag_names=["Elderly"])

    assert list(listing.tags.values_list("slug", flat=True)) == ["older-people"]
