from django.urls import path

from events import views
from events.views import feeds as feed_views
from events.views import networking as networking_views
from events.views import unconference as unconference_views

urlpatterns = [
    path("events/", views.event_list, name="event-list"),
    # Calendar feeds (webcal subscriptions) and the personal feed's settings page.
    path("events/feed.ics", feed_views.public_feed, name="events-feed"),
    path(
        "events/organisers/<slug:slug>/feed.ics",
        feed_views.organiser_feed,
        name="organiser-events-feed",
    ),
    path("events/<slug:slug>/feed.ics", feed_views.event_feed, name="event-feed"),
    path("calendar/<str:token>.ics", feed_views.personal_feed, name="calendar-personal-feed"),
    path("settings/calendar/", feed_views.calendar_settings, name="calendar-settings"),
    # Networking: pitch applications and 1:1 meetings.
    path("events/<slug:slug>/pitches/", networking_views.event_pitches, name="event-pitches"),
    path(
        "events/<slug:slug>/pitches/apply/",
        networking_views.pitch_apply,
        name="event-pitch-apply",
    ),
    path(
        "events/<slug:slug>/pitches/<int:pk>/withdraw/",
        networking_views.pitch_withdraw,
        name="event-pitch-withdraw",
    ),
    path("events/<slug:slug>/meetings/", networking_views.event_meetings, name="event-meetings"),
    path(
        "events/<slug:slug>/meetings/request/",
        networking_views.meeting_request,
        name="event-meeting-request",
    ),
    path(
        "events/<slug:slug>/meetings/<int:pk>/<str:action>/",
        networking_views.meeting_action,
        name="event-meeting-action",
    ),
    path(
        "events/<slug:slug>/meeting-slots/<int:pk>/delete/",
        networking_views.meeting_slot_delete,
        name="event-meeting-slot-delete",
    ),
    # Unconference: the session board, votes, stars, the organiser's board and the grid.
    path("events/<slug:slug>/sessions/", unconference_views.session_board, name="event-sessions"),
    path(
        "events/<slug:slug>/sessions/<int:session_id>/",
        unconference_views.session_detail,
        name="event-session-detail",
    ),
    *[
        path(
            f"events/<slug:slug>/sessions/<int:session_id>/{action}/",
            getattr(unconference_views, f"session_{action}"),
            name=f"event-session-{action}",
        )
        for action in ("notes", "withdraw", "vote", "unvote", "star", "unstar", "move", "unpin")
    ],
    path(
        "events/<slug:slug>/agenda/<int:pk>/star/",
        unconference_views.agenda_item_star,
        name="agenda-item-star",
    ),
    path(
        "events/<slug:slug>/agenda/<int:pk>/unstar/",
        unconference_views.agenda_item_unstar,
        name="agenda-item-unstar",
    ),
    path("events/<slug:slug>/schedule/", unconference_views.schedule_grid, name="event-schedule"),
    path(
        "events/<slug:slug>/unconference/",
        unconference_views.unconference_manage,
        name="event-unconference-manage",
    ),
    path(
        "events/<slug:slug>/unconference/rooms/",
        unconference_views.room_create,
        name="event-room-create",
    ),
    path(
        "events/<slug:slug>/unconference/rooms/<int:pk>/delete/",
        unconference_views.room_delete,
        name="event-room-delete",
    ),
    path(
        "events/<slug:slug>/unconference/slots/",
        unconference_views.slot_create,
        name="event-slot-create",
    ),
    path(
        "events/<slug:slug>/unconference/slots/<int:pk>/delete/",
        unconference_views.slot_delete,
        name="event-slot-delete",
    ),
    path(
        "events/<slug:slug>/unconference/vote-budget/",
        unconference_views.vote_budget,
        name="event-vote-budget",
    ),
    path(
        "events/<slug:slug>/unconference/schedule/run/",
        unconference_views.schedule_run,
        name="event-schedule-run",
    ),
    path(
        "events/<slug:slug>/unconference/schedule/publish/",
        unconference_views.schedule_publish,
        name="event-schedule-publish",
    ),
    path("events/new/", views.event_create, name="event-create"),
    path("events/organising/", views.event_organising, name="event-organising"),
    path("events/<slug:slug>/", views.event_detail, name="event-detail"),
    path("events/<slug:slug>/calendar.ics", views.event_ics, name="event-ics"),
    path("events/<slug:slug>/book/", views.event_book, name="event-book"),
    path("events/<slug:slug>/waitlist/join/", views.waitlist_join, name="event-waitlist-join"),
    # Organiser pages.
    path("events/<slug:slug>/manage/", views.event_manage, name="event-manage"),
    path("events/<slug:slug>/edit/", views.event_edit, name="event-edit"),
    path("events/<slug:slug>/publish/", views.event_publish, name="event-publish"),
    path("events/<slug:slug>/cancel/", views.event_cancel, name="event-cancel"),
    path("events/<slug:slug>/copy/", views.event_copy, name="event-copy"),
    path("events/<slug:slug>/tickets/new/", views.ticket_type_form, name="ticket-type-create"),
    path(
        "events/<slug:slug>/tickets/<int:pk>/edit/",
        views.ticket_type_form,
        name="ticket-type-edit",
    ),
    path(
        "events/<slug:slug>/tickets/<int:pk>/delete/",
        views.ticket_type_delete,
        name="ticket-type-delete",
    ),
    path("events/<slug:slug>/agenda/new/", views.agenda_item_form, name="agenda-item-create"),
    path(
        "events/<slug:slug>/agenda/<int:pk>/edit/",
        views.agenda_item_form,
        name="agenda-item-edit",
    ),
    path(
        "events/<slug:slug>/agenda/<int:pk>/delete/",
        views.agenda_item_delete,
        name="agenda-item-delete",
    ),
    path("events/<slug:slug>/listings/", views.event_listing_link, name="event-listing-link"),
    path("events/<slug:slug>/attendees/", views.event_attendees, name="event-attendees"),
    path(
        "events/<slug:slug>/attendees.csv",
        views.event_attendees_csv,
        name="event-attendees-csv",
    ),
    path("events/<slug:slug>/waitlist/", views.event_waitlist, name="event-waitlist"),
    path("events/<slug:slug>/check-in/", views.event_check_in, name="event-check-in"),
    # People's bookings, tickets and waitlist places.
    path("bookings/", views.booking_list, name="booking-list"),
    path("bookings/<str:reference>/", views.booking_detail, name="booking-detail"),
    path("bookings/<str:reference>/cancel/", views.booking_cancel, name="booking-cancel"),
    path("bookings/<str:reference>/pay/", views.booking_pay, name="booking-pay"),
    path(
        "bookings/<str:reference>/invoice-paid/",
        views.booking_invoice_paid,
        name="booking-invoice-paid",
    ),
    path("tickets/<str:code>/", views.ticket_detail, name="ticket-detail"),
    path("waitlist/<int:pk>/leave/", views.waitlist_leave, name="waitlist-leave"),
    path("waitlist/offers/<str:token>/", views.waitlist_offer, name="waitlist-offer"),
    path("stripe/webhook/", views.stripe_webhook, name="stripe-webhook"),
]
