"""Interest / "we need this too", the demand count, and co-owners of a request."""

import pytest

from exchange.exceptions import InvalidTransition, PermissionDenied, ValidationError
from exchange.models import Notification
from exchange.permissions import LISTING_CHANGE, LISTING_PUBLISH, has_perm
from listings import services as listing_services
from listings import workflows
from listings.models import CoOwner, Interest, Listing
from listings.queries import interest_summary
from listings.workflow_enums import CoOwnerStatus
from tests.factories.exchange import UserFactory, add_member, make_organisation
from tests.factories.listings import make_listing, make_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def need():
    """A council's published request, and two other organisations with a member each."""
    owner = make_organisation(name="Northshire County Council", kind="council")
    request = make_request(organisation=owner)
    other_council = make_organisation(name="Southshire Council", kind="council")
    charity = make_organisation(name="Riverside Trust", kind="third_sector")
    return {
        "owner": owner,
        "owner_person": owner.memberships.get().user,
        "request": request,
        "council": other_council,
        "council_person": other_council.memberships.get().user,
        "charity": charity,
        "charity_person": charity.memberships.get().user,
    }


def _count(listing):
    return Listing.objects.get(pk=listing.pk).interest_count


def test_interest_register_on_request_counts_and_notifies_owners(need):
    colleague = add_member(need["owner"])

    interest = workflows.interest_register(
        actor=need["council_person"], listing=need["request"], organisation=need["council"]
    )

    assert interest.label == "We need this too"
    assert _count(need["request"]) == 1
    notes = Notification.objects.filter(kind="interest").order_by("recipient__email")
    assert [(n.recipient, n.text) for n in notes] == sorted(
        [
            (p, "Southshire Council needs “Reduce isolation among older residents” too.")
            for p in (need["owner_person"], colleague)
        ],
        key=lambda pair: pair[0].email,
    )


def test_interest_register_on_offer_is_interested(need):
    offer = make_listing()

    interest = workflows.interest_register(
        actor=need["council_person"], listing=offer, organisation=need["council"]
    )

    assert interest.label == "Interested"
    assert _count(offer) == 1


def test_interest_register_anonymous_public_body_is_refused(need):
    with pytest.raises(ValidationError) as excinfo:
        workflows.interest_register(
            actor=need["council_person"],
            listing=need["request"],
            organisation=need["council"],
            anonymous=True,
        )

    assert excinfo.value.message_dict == {"anonymous": ["Public bodies are always named."]}
    assert Interest.objects.count() == 0
    assert _count(need["request"]) == 0


def test_interest_register_twice_is_refused_and_counted_once(need):
    workflows.interest_register(
        actor=need["council_person"], listing=need["request"], organisation=need["council"]
    )

    with pytest.raises(ValidationError):
        workflows.interest_register(
            actor=add_member(need["council"]),
            listing=need["request"],
            organisation=need["council"],
        )

    assert Interest.objects.count() == 1
    assert _count(need["request"]) == 1


def test_interest_register_for_someone_elses_organisation_is_refused(need):
    with pytest.raises(PermissionDenied):
        workflows.interest_register(
            actor=need["charity_person"], listing=need["request"], organisation=need["council"]
        )

    assert Interest.objects.count() == 0


def test_interest_register_by_owner_is_refused(need):
    with pytest.raises(ValidationError):
        workflows.interest_register(
            actor=need["owner_person"], listing=need["request"], organisation=need["owner"]
        )

    assert Interest.objects.count() == 0


def test_interest_register_on_listing_shared_with_others_is_refused(need):
    private = make_request(
        organisation=need["owner"], visibility="shared", shared_with=[need["charity"]]
    )

    with pytest.raises(PermissionDenied):
        workflows.interest_register(
            actor=need["council_person"], listing=private, organisation=need["council"]
        )

    assert Interest.objects.count() == 0
    assert _count(private) == 0


def test_interest_register_on_draft_is_refused(need):
    draft = make_request(organisation=need["owner"], publish=False)
    with pytest.raises(PermissionDenied):
        workflows.interest_register(
            actor=need["council_person"], listing=draft, organisation=need["council"]
        )
    assert Interest.objects.count() == 0


def test_interest_withdraw_decrements_count(need):
    interest = workflows.interest_register(
        actor=need["council_person"], listing=need["request"], organisation=need["council"]
    )

    workflows.interest_withdraw(actor=need["council_person"], interest=interest)

    assert Interest.objects.count() == 0
    assert _count(need["request"]) == 0


def test_interest_withdraw_by_outsider_is_refused(need):
    interest = workflows.interest_register(
        actor=need["council_person"], listing=need["request"], organisation=need["council"]
    )

    with pytest.raises(PermissionDenied):
        workflows.interest_withdraw(actor=need["charity_person"], interest=interest)

    assert Interest.objects.count() == 1
    assert _count(need["request"]) == 1


def test_interest_summary_names_public_bodies_and_counts_anonymous(need):
    workflows.interest_register(
        actor=need["council_person"], listing=need["request"], organisation=need["council"]
    )
    workflows.interest_register(
        actor=need["charity_person"],
        listing=need["request"],
        organisation=need["charity"],
        anonymous=True,
    )

    public = interest_summary(UserFactory(), need["request"])
    owners = interest_summary(need["owner_person"], need["request"])

    assert (public.count, public.named, public.anonymous_count, public.everyone) == (
        2,
        [need["council"]],
        1,
        [],
    )
    assert [i.organisation for i in owners.everyone] == [need["council"], need["charity"]]


# --- Co-owners ---------------------------------------------------------------------------------


def _share_the_need(need, who="council"):
    workflows.interest_register(
        actor=need[f"{who}_person"], listing=need["request"], organisation=need[who]
    )


def test_co_owner_invite_and_accept_grants_change_permission(need):
    _share_the_need(need)
    co_owner = workflows.co_owner_invite(
        actor=need["owner_person"], listing=need["request"], organisation=need["council"]
    )
    colleague = add_member(need["council"])

    workflows.co_owner_accept(actor=need["council_person"], co_owner=co_owner)

    assert CoOwner.objects.get().status == CoOwnerStatus.ACCEPTED
    request = Listing.objects.get(pk=need["request"].pk)
    assert has_perm(colleague, LISTING_CHANGE, request) is True
    assert has_perm(colleague, LISTING_PUBLISH, request) is False
    assert has_perm(need["charity_person"], LISTING_CHANGE, request) is False


def test_co_owner_can_edit_the_request(need):
    _share_the_need(need)
    co_owner = workflows.co_owner_invite(
        actor=need["owner_person"], listing=need["request"], organisation=need["council"]
    )
    workflows.co_owner_accept(actor=need["council_person"], co_owner=co_owner)

    listing_services.listing_update(
        actor=need["council_person"], listing=need["request"], summary="Jointly commissioned."
    )

    assert Listing.objects.get(pk=need["request"].pk).summary == "Jointly commissioned."


def test_co_owner_cannot_publish_close_or_invite(need):
    _share_the_need(need)
    _share_the_need(need, "charity")
    co_owner = workflows.co_owner_invite(
        actor=need["owner_person"], listing=need["request"], organisation=need["council"]
    )
    workflows.co_owner_accept(actor=need["council_person"], co_owner=co_owner)

    with pytest.raises(PermissionDenied):
        listing_services.listing_close(actor=need["council_person"], listing=need["request"])
    with pytest.raises(PermissionDenied):
        workflows.co_owner_invite(
            actor=need["council_person"], listing=need["request"], organisation=need["charity"]
        )

    assert Listing.objects.get(pk=need["request"].pk).status == "published"
    assert CoOwner.objects.count() == 1


def test_co_owner_invite_without_shared_need_is_refused(need):
    with pytest.raises(ValidationError) as excinfo:
        workflows.co_owner_invite(
            actor=need["owner_person"], listing=need["request"], organisation=need["council"]
        )

    assert excinfo.value.message_dict == {
        "organisation": ["Southshire Council has not said it needs this too."]
    }
    assert CoOwner.objects.count() == 0


def test_co_owner_invite_by_non_owner_is_refused(need):
    _share_the_need(need)

    with pytest.raises(PermissionDenied):
        workflows.co_owner_invite(
            actor=need["council_person"], listing=need["request"], organisation=need["council"]
        )

    assert CoOwner.objects.count() == 0


def test_co_owner_invite_on_an_offer_is_refused(need):
    offer = make_listing(organisation=need["owner"])
    workflows.interest_register(
        actor=need["council_person"], listing=offer, organisation=need["council"]
    )

    with pytest.raises(ValidationError):
        workflows.co_owner_invite(
            actor=need["owner_person"], listing=offer, organisation=need["council"]
        )

    assert CoOwner.objects.count() == 0


def test_co_owner_accept_by_outsider_is_refused(need):
    _share_the_need(need)
    co_owner = workflows.co_owner_invite(
        actor=need["owner_person"], listing=need["request"], organisation=need["council"]
    )

    with pytest.raises(PermissionDenied):
        workflows.co_owner_accept(actor=need["charity_person"], co_owner=co_owner)

    assert CoOwner.objects.get().status == CoOwnerStatus.INVITED
    assert has_perm(need["charity_person"], LISTING_CHANGE, need["request"]) is False


def test_co_owner_decline_leaves_no_permission(need):
    _share_the_need(need)
    co_owner = workflows.co_owner_invite(
        actor=need["owner_person"], listing=need["request"], organisation=need["council"]
    )

    workflows.co_owner_decline(actor=need["council_person"], co_owner=co_owner)

    assert CoOwner.objects.get().status == CoOwnerStatus.DECLINED
    assert has_perm(need["council_person"], LISTING_CHANGE, need["request"]) is False
    with pytest.raises(InvalidTransition):
        workflows.co_owner_accept(actor=need["council_person"], co_owner=co_owner)


def test_co_owner_remove_revokes_change_permission(need):
    _share_the_need(need)
    co_owner = workflows.co_owner_invite(
        actor=need["owner_person"], listing=need["request"], organisation=need["council"]
    )
    workflows.co_owner_accept(actor=need["council_person"], co_owner=co_owner)

    workflows.co_owner_remove(actor=need["owner_person"], co_owner=co_owner)

    assert CoOwner.objects.get().status == CoOwnerStatus.REMOVED
    request = Listing.objects.get(pk=need["request"].pk)
    assert has_perm(need["council_person"], LISTING_CHANGE, request) is False
    assert has_perm(need["owner_person"], LISTING_CHANGE, request) is True


def test_co_owner_remove_by_third_party_is_refused(need):
    _share_the_need(need)
    co_owner = workflows.co_owner_invite(
        actor=need["owner_person"], listing=need["request"], organisation=need["council"]
    )
    workflows.co_owner_accept(actor=need["council_person"], co_owner=co_owner)

    with pytest.raises(PermissionDenied):
        workflows.co_owner_remove(actor=need["charity_person"], co_owner=co_owner)

    assert CoOwner.objects.get().status == CoOwnerStatus.ACCEPTED
    assert has_perm(need["council_person"], LISTING_CHANGE, need["request"]) is True


def test_co_owner_of_shared_request_is_added_to_shared_with(need):
    request = make_request(
        organisation=need["owner"], visibility="shared", shared_with=[need["council"]]
    )
    third = make_organisation(name="Eastshire Council", kind="council")
    listing_services.listing_share(
        actor=need["owner_person"], listing=request, organisations=[need["council"], third]
    )
    third_person = third.memberships.get().user
    workflows.interest_register(actor=third_person, listing=request, organisation=third)
    listing_services.listing_share(
        actor=need["owner_person"], listing=request, organisations=[need["council"]]
    )
    co_owner = CoOwner.objects.create(
        listing=request, organisation=third, invited_by=need["owner_person"]
    )

    workflows.co_owner_accept(actor=third_person, co_owner=co_owner)

    assert sorted(request.shared_with.values_list("name", flat=True)) == [
        "Eastshire Council",
        "Southshire Council",
    ]


def test_co_owner_edits_the_request_through_the_edit_page(client, need):
    from django.urls import reverse

    from tests.listings.test_views import _form

    _share_the_need(need)
    co_owner = workflows.co_owner_invite(
        actor=need["owner_person"], listing=need["request"], organisation=need["council"]
    )
    workflows.co_owner_accept(actor=need["council_person"], co_owner=co_owner)
    client.force_login(need["council_person"])

    response = client.post(
        reverse("listing-edit", kwargs={"pk": need["request"].pk}),
        _form(need["council"], title="Reduce isolation: a joint commission"),
    )

    listing = Listing.objects.get(pk=need["request"].pk)
    assert response.status_code == 302
    assert (listing.title, listing.organisation) == (
        "Reduce isolation: a joint commission",
        need["owner"],
    )
