"""Case studies: drafted from pilots, nominated with a consent gate, replicated, searched."""

import datetime

import pytest

from exchange.exceptions import InvalidTransition, PermissionDenied, ValidationError
from exchange.models import Need, Notification
from listings import workflows
from listings.models import CaseStudy, Listing
from listings.queries import CaseStudyFilters, case_studies_visible_to, case_study_search
from listings.workflow_enums import CaseStudyStatus
from tests.factories.exchange import UserFactory, add_member, make_organisation
from tests.factories.listings import make_listing, make_nomination, make_pilot

pytestmark = pytest.mark.django_db


@pytest.fixture
def finished():
    council = make_organisation(name="Northshire County Council", kind="council")
    supplier = make_organisation(name="Brightbin Ltd", kind="supplier")
    need = Need.objects.order_by("pk").first()
    offer = make_listing(
        organisation=supplier,
        title="Smart bins",
        summary="Sensors report fill levels.",
        tag_names=["waste"],
        needs=[need],
        video_url="https://video.example/bins",
    )
    pilot = make_pilot(
        requester=council,
        offer=offer,
        status="completed",
        starts_on=datetime.date(2026, 3, 1),
        ends_on=datetime.date(2026, 5, 31),
    )
    return {
        "council": council,
        "council_person": council.memberships.get().user,
        "supplier": supplier,
        "supplier_person": supplier.memberships.get().user,
        "offer": offer,
        "pilot": pilot,
        "need": need,
    }


def test_case_study_draft_from_pilot_is_prefilled(finished):
    case_study = workflows.case_study_draft_from_pilot(
        actor=finished["supplier_person"], pilot=finished["pilot"]
    )

    assert (
        case_study.status,
        case_study.origin,
        case_study.organisation,
        case_study.partner,
        case_study.title,
        case_study.summary,
        case_study.outcome,
        case_study.cost_pence,
        case_study.costs,
        case_study.what_worked,
        case_study.what_didnt,
        case_study.video_url,
        case_study.region,
    ) == (
        "draft",
        "pilot",
        finished["council"],
        finished["supplier"],
        "Pilot of Smart bins",
        "Sensors report fill levels.",
        "met",
        500_000,
        "Pilot budget: £5,000.00",
        "Overflows fell by half.",
        "",
        "https://video.example/bins",
        "north_west",
    )
    assert case_study.what_tried == (
        "Twelve bins on the high street.\nMonthly review.\n\n"
        "Success criteria: Fewer overflowing bins.\nFewer collections."
    )
    assert case_study.recipe == [
        "Agree the scope: Twelve bins on the high street.",
        "Set success criteria: Fewer overflowing bins.",
        "Run a pilot with Brightbin Ltd from 1 March 2026 to 31 May 2026.",
        "Report against the criteria and decide whether to adopt.",
    ]
    assert case_study.links == [f"http://testserver{finished['offer'].get_absolute_url()}"]
    assert list(case_study.tags.values_list("slug", flat=True)) == ["waste"]
    assert list(case_study.needs.all()) == [finished["need"]]


def test_case_study_draft_from_unfinished_pilot_is_refused():
    pilot = make_pilot(status="active")

    with pytest.raises(InvalidTransition):
        workflows.case_study_draft_from_pilot(
            actor=pilot.requester.memberships.get().user, pilot=pilot
        )

    assert CaseStudy.objects.count() == 0


def test_case_study_draft_by_outsider_is_refused(finished):
    with pytest.raises(PermissionDenied):
        workflows.case_study_draft_from_pilot(actor=UserFactory(), pilot=finished["pilot"])

    assert CaseStudy.objects.count() == 0


def test_case_study_draft_is_private_until_published(finished):
    case_study = workflows.case_study_draft_from_pilot(
        actor=finished["council_person"], pilot=finished["pilot"]
    )

    assert list(case_studies_visible_to(UserFactory())) == []
    assert list(case_studies_visible_to(finished["supplier_person"])) == [case_study]


def test_case_study_publish_by_partner_is_refused(finished):
    case_study = workflows.case_study_draft_from_pilot(
        actor=finished["supplier_person"], pilot=finished["pilot"]
    )

    with pytest.raises(PermissionDenied):
        workflows.case_study_publish(actor=finished["supplier_person"], case_study=case_study)

    assert CaseStudy.objects.get().status == CaseStudyStatus.DRAFT


def test_case_study_publish_tells_each_follower_once(finished):
    case_study = workflows.case_study_draft_from_pilot(
        actor=finished["council_person"], pilot=finished["pilot"]
    )
    keen = UserFactory()  # follows the council, the supplier and the piloted offer
    workflows.follow_create(actor=keen, organisation=finished["council"])
    workflows.follow_create(actor=keen, organisation=finished["supplier"])
    workflows.follow_create(actor=keen, listing=finished["offer"])
    casual = UserFactory()
    workflows.follow_create(actor=casual, organisation=finished["supplier"])
    Notification.objects.all().delete()

    workflows.case_study_publish(actor=finished["council_person"], case_study=case_study)

    assert sorted(Notification.objects.values_list("recipient", flat=True)) == sorted(
        [keen.pk, casual.pk]
    )
    assert set(Notification.objects.values_list("text", flat=True)) == {
        "New case study: “Pilot of Smart bins” (Northshire County Council)."
    }
    assert list(case_studies_visible_to(UserFactory())) == [CaseStudy.objects.get()]


def test_case_study_update_by_partner(finished):
    case_study = workflows.case_study_draft_from_pilot(
        actor=finished["council_person"], pilot=finished["pilot"]
    )

    workflows.case_study_update(
        actor=finished["supplier_person"], case_study=case_study, what_didnt="Battery life."
    )

    assert CaseStudy.objects.get().what_didnt == "Battery life."


# --- Nominations and the consent gate ---------------------------------------------------------


def test_nomination_awaits_consent_and_is_not_public():
    named = make_organisation(name="Library Town Council", kind="council")
    nominator = UserFactory()

    nomination = make_nomination(organisation=named, nominator=nominator)

    assert nomination.status == CaseStudyStatus.AWAITING_CONSENT
    assert list(case_studies_visible_to(UserFactory())) == []
    assert list(case_studies_visible_to(nominator)) == [nomination]
    assert list(case_study_search(nominator, CaseStudyFilters())) == []
    assert list(Notification.objects.values_list("recipient", "text")) == [
        (
            named.memberships.get().user.pk,
            f"{nominator.display_name} nominated Library Town Council as a shining light: "
            "“Library of things”. It is published only if you consent.",
        )
    ]


@pytest.mark.parametrize("who", ["nominator", "stranger", "other_organisation"])
def test_nomination_publish_without_consent_is_refused(who):
    named = make_organisation(kind="council")
    nominator = UserFactory()
    nomination = make_nomination(organisation=named, nominator=nominator)
    actor = {
        "nominator": nominator,
        "stranger": UserFactory(),
        "other_organisation": make_organisation(kind="council").memberships.get().user,
    }[who]

    with pytest.raises(PermissionDenied):
        workflows.case_study_publish(actor=actor, case_study=nomination)

    nomination.refresh_from_db()
    assert (nomination.status, nomination.published_at, nomination.consent_by) == (
        "awaiting_consent",
        None,
        None,
    )


def test_nomination_consent_publishes_and_tells_nominator():
    named = make_organisation(kind="council")
    member = add_member(named)
    nominator = UserFactory()
    nomination = make_nomination(organisation=named, nominator=nominator)
    Notification.objects.all().delete()

    workflows.case_study_publish(actor=member, case_study=nomination)

    nomination.refresh_from_db()
    assert (nomination.status, nomination.consent_by) == ("published", member)
    assert list(Notification.objects.values_list("recipient", flat=True)) == [nominator.pk]
    assert list(case_studies_visible_to(UserFactory())) == [nomination]


def test_nomination_decline_never_publishes_and_tells_nominator():
    named = make_organisation(name="Quiet Council", kind="council")
    nominator = UserFactory()
    nomination = make_nomination(organisation=named, nominator=nominator)
    Notification.objects.all().delete()

    workflows.case_study_decline(
        actor=named.memberships.get().user, case_study=nomination, note="Not ready yet."
    )

    nomination.refresh_from_db()
    assert nomination.status == "declined"
    assert list(Notification.objects.values_list("recipient", "text")) == [
        (
            nominator.pk,
            "Quiet Council did not consent to publishing “Library of things”. “Not ready yet.”",
        )
    ]
    with pytest.raises(InvalidTransition):
        workflows.case_study_publish(actor=named.memberships.get().user, case_study=nomination)
    assert CaseStudy.objects.get().status == "declined"
    assert list(case_studies_visible_to(UserFactory())) == []


def test_self_nomination_still_needs_consent_step():
    named = make_organisation(kind="third_sector")
    self_nominator = named.memberships.get().user

    nomination = make_nomination(organisation=named, nominator=self_nominator)
    assert nomination.status == "awaiting_consent"

    workflows.case_study_publish(actor=self_nominator, case_study=nomination)
    assert CaseStudy.objects.get().status == "published"


def test_nomination_withdraw_by_nominator_only():
    nominator = UserFactory()
    nomination = make_nomination(nominator=nominator)

    with pytest.raises(PermissionDenied):
        workflows.case_study_withdraw(actor=UserFactory(), case_study=nomination)
    assert CaseStudy.objects.get().status == "awaiting_consent"

    workflows.case_study_withdraw(actor=nominator, case_study=nomination)
    assert CaseStudy.objects.get().status == "withdrawn"


def test_nomination_without_title_is_refused():
    with pytest.raises(ValidationError):
        make_nomination(title="  ")

    assert CaseStudy.objects.count() == 0


# --- Replicate and search ----------------------------------------------------------------------


def _published(**extra):
    named = make_organisation(name=extra.pop("org_name", "Library Town Council"), kind="council")
    nomination = make_nomination(organisation=named, **extra)
    return workflows.case_study_publish(actor=named.memberships.get().user, case_study=nomination)


def test_case_study_replicate_creates_draft_request_from_recipe():
    case_study = _published(tag_names=["sharing"])
    visitor_org = make_organisation(name="Southshire Council", kind="council", region="wales")

    listing = workflows.case_study_replicate(
        actor=visitor_org.memberships.get().user, case_study=case_study, organisation=visitor_org
    )

    assert (listing.kind, listing.status, listing.organisation, listing.title, listing.region) == (
        "request",
        "draft",
        visitor_org,
        "Replicate: Library of things",
        "wales",
    )
    assert listing.summary == "Lending tools instead of buying them."
    assert listing.body == (
        f"We want to replicate [Library of things](http://testserver"
        f"{case_study.get_absolute_url()}) (Library Town Council).\n\n"
        "Lending tools instead of buying them.\n\n"
        "## Recipe\n\n1. Find a space\n1. Collect donations\n1. Open on Saturdays"
    )
    assert list(listing.tags.values_list("slug", flat=True)) == ["sharing"]


def test_case_study_replicate_for_organisation_not_mine_is_refused():
    case_study = _published()
    other = make_organisation(kind="council")

    with pytest.raises(PermissionDenied):
        workflows.case_study_replicate(
            actor=UserFactory(), case_study=case_study, organisation=other
        )

    assert Listing.objects.count() == 0


def test_case_study_replicate_unpublished_is_refused():
    nomination = make_nomination()
    visitor_org = make_organisation(kind="council")

    with pytest.raises(PermissionDenied):
        workflows.case_study_replicate(
            actor=visitor_org.memberships.get().user,
            case_study=nomination,
            organisation=visitor_org,
        )

    assert Listing.objects.count() == 0


def test_case_study_search_filters_and_words():
    library = _published(tag_names=["sharing"])
    garden = _published(
        org_name="Riverside Trust",
        title="Community garden",
        summary="Growing food together.",
        what_tried="Raised beds.",
    )
    garden.organisation.kind = "third_sector"
    garden.organisation.save()

    def titles(**filters):
        return [c.title for c in case_study_search(UserFactory(), CaseStudyFilters(**filters))]

    assert titles() == ["Community garden", "Library of things"]
    assert titles(q="lending tools") == ["Library of things"]
    assert titles(q="garden riverside") == ["Community garden"]
    assert titles(tag="sharing") == ["Library of things"]
    assert titles(organisation_kind="third_sector") == ["Community garden"]
    assert titles(origin="pilot") == []
    assert library.origin == "nomination"
