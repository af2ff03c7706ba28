from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from api.errors import NotFoundView
from api.viewsets.case_studies import CaseStudyViewSet
from api.viewsets.demand import CoOwnerViewSet, InterestViewSet, ResponseViewSet
from api.viewsets.event_management import (
    AgendaItemViewSet,
    EventListingViewSet,
    TicketTypeViewSet,
)
from api.viewsets.events import BookingViewSet, EventViewSet, WaitlistViewSet
from api.viewsets.feeds import CalendarFeedViewSet
from api.viewsets.listings import ListingViewSet
from api.viewsets.me import MeViewSet
from api.viewsets.memberships import (
    InvitationAcceptViewSet,
    InvitationViewSet,
    JoinRequestViewSet,
    MemberViewSet,
)
from api.viewsets.networking import (
    MeetingRequestViewSet,
    MeetingSlotViewSet,
    PitchApplicationViewSet,
)
from api.viewsets.notifications import NotificationViewSet
from api.viewsets.organisations import OrganisationViewSet
from api.viewsets.pilots import PilotViewSet
from api.viewsets.questions import FollowViewSet, QuestionViewSet
from api.viewsets.recommendations import RecommendationViewSet
from api.viewsets.saved_searches import SavedSearchViewSet
from api.viewsets.shortlists import ShortlistViewSet
from api.viewsets.taxonomy import NeedAreaViewSet, NeedViewSet, TagViewSet
from api.viewsets.trends import TrendViewSet
from api.viewsets.unconference import (
    RoomViewSet,
    ScheduleViewSet,
    SessionViewSet,
    SlotViewSet,
)
from api.viewsets.webhooks import WebhookViewSet

router = DefaultRouter()
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("listings", ListingViewSet, basename="listing")
router.register("tags", TagViewSet, basename="tag")
router.register("needs", NeedViewSet, basename="need")
router.register("need-areas", NeedAreaViewSet, basename="need-area")
router.register("saved-searches", SavedSearchViewSet, basename="saved-search")
# Council workflows (issue 5).
router.register("interests", InterestViewSet, basename="interest")
router.register("co-owners", CoOwnerViewSet, basename="co-owner")
router.register("responses", ResponseViewSet, basename="response")
router.register("questions", QuestionViewSet, basename="question")
router.register("follows", FollowViewSet, basename="follow")
router.register("shortlists", ShortlistViewSet, basename="shortlist")
router.register("pilots", PilotViewSet, basename="pilot")
router.register("case-studies", CaseStudyViewSet, basename="case-study")
router.register("events", EventViewSet, basename="event")
# An event's parts, written by its organisers (issue 8).
router.register(r"events/(?P<event_id>[0-9]+)/ticket-types", TicketTypeViewSet, "ticket-type")
router.register(r"events/(?P<event_id>[0-9]+)/agenda", AgendaItemViewSet, "agenda-item")
router.register(r"events/(?P<event_id>[0-9]+)/listings", EventListingViewSet, "event-listing")
router.register("bookings", BookingViewSet, basename="booking")
router.register("waitlist", WaitlistViewSet, basename="waitlist-entry")
router.register("notifications", NotificationViewSet, basename="notification")
# Unconferences (issue 7): rooms, slots, sessions and each event's schedule.
router.register("session-rooms", RoomViewSet, basename="session-room")
router.register("session-slots", SlotViewSet, basename="session-slot")
router.register("sessions", SessionViewSet, basename="session")
router.register("schedules", ScheduleViewSet, basename="schedule")
# Outgoing webhooks (issue 8).
router.register("webhooks", WebhookViewSet, basename="webhook")
router.register("trends", TrendViewSet, basename="trend")
# Calendar feeds and networking at events (issue 7).
router.register("calendar-feed", CalendarFeedViewSet, basename="calendar-feed")
router.register("pitch-applications", PitchApplicationViewSet, basename="pitch-application")
router.register("meeting-slots", MeetingSlotViewSet, basename="meeting-slot")
router.register("meeting-requests", MeetingRequestViewSet, basename="meeting-request")
# Accounts and organisations' people (issue 8): members, invitations, requests to join.
ORGANISATION = r"organisations/(?P<slug>[^/.]+)"
router.register(f"{ORGANISATION}/members", MemberViewSet, "organisation-member")
router.register(f"{ORGANISATION}/invitations", InvitationViewSet, "organisation-invitation")
router.register(f"{ORGANISATION}/join-requests", JoinRequestViewSet, "organisation-join-request")
router.register("invitations", InvitationAcceptViewSet, basename="invitation")
router.register("recommendations", RecommendationViewSet, basename="recommendation")
# A singleton: GET and PATCH on the collection's own URL, which a router does not route.
me = MeViewSet.as_view({"get": "retrieve", "patch": "partial_update"})

urlpatterns = [
    # Namespaced: the HTML pages already own names such as "listing-detail".
    path("api/v1/", include(([*router.urls, path("me/", me, name="me")], "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    # Anything else under /api/ answers the JSON 404, not the HTML page.
    re_path(r"^api/", NotFoundView.as_view()),
]
