from django.urls import path

from listings import feeds, views
from listings.views_workflows import case_studies, listing_actions, pilots, shortlists

urlpatterns = [
    path("listings/", views.listing_browse, name="listing-browse"),
    path("listings/feed/rss/", feeds.ListingSearchFeed(), name="listing-feed-rss"),
    path("listings/feed/atom/", feeds.ListingSearchAtomFeed(), name="listing-feed-atom"),
    path("listings/similar/", views.listing_similar, name="listing-similar"),
    path("listings/new/", views.listing_create, name="listing-create"),
    path("listings/mine/", views.my_listings, name="listing-mine"),
    path("listings/<int:pk>/edit/", views.listing_edit, name="listing-edit"),
    path("listings/<int:pk>/status/", views.listing_status, name="listing-status"),
    path("listings/<int:pk>/", views.listing_detail, name="listing-detail-short"),
    path("listings/<int:pk>/<slug:slug>/", views.listing_detail, name="listing-detail"),
    path("saved-searches/new/", views.saved_search_create, name="saved-search-create"),
    path("settings/saved-searches/", views.saved_search_list, name="saved-search-list"),
    path(
        "saved-searches/unsubscribe/<str:token>/",
        views.saved_search_unsubscribe,
        name="saved-search-unsubscribe",
    ),
]

# --- Council workflows (interest, co-owners, responses, Q&A, follows, shortlists, pilots,
# case studies). Paths have their own prefixes: "listings/<pk>/<slug>/" would swallow
# one-segment actions under a listing.
urlpatterns += [
    path("interests/", listing_actions.interest_create, name="interest-create"),
    path(
        "interests/<int:pk>/withdraw/", listing_actions.interest_withdraw, name="interest-withdraw"
    ),
    path("co-owners/", listing_actions.co_owner_invite, name="co-owner-invite"),
    path(
        "co-owners/<int:pk>/<slug:action>/",
        listing_actions.co_owner_action,
        name="co-owner-action",
    ),
    path("responses/new/", listing_actions.response_create, name="response-create"),
    path("responses/<int:pk>/pilot/", listing_actions.response_pilot, name="response-pilot"),
    path(
        "responses/<int:pk>/<slug:action>/",
        listing_actions.response_action,
        name="response-action",
    ),
    path("questions/", listing_actions.question_ask, name="question-ask"),
    path(
        "questions/<int:pk>/<slug:action>/",
        listing_actions.question_action,
        name="question-action",
    ),
    path("follows/", listing_actions.follow_toggle, name="follow-toggle"),
    path("settings/follows/", listing_actions.follow_list, name="follow-list"),
    path("shortlists/", shortlists.shortlist_list, name="shortlist-list"),
    path("shortlists/add/", shortlists.shortlist_add, name="shortlist-add"),
    path("shortlists/<int:pk>/", shortlists.shortlist_detail, name="shortlist-detail"),
    path("shortlists/<int:pk>/export/", shortlists.shortlist_export, name="shortlist-export"),
    path("pilots/", pilots.pilot_list, name="pilot-list"),
    path("pilots/new/", pilots.pilot_create, name="pilot-create"),
    path("pilots/<int:pk>/", pilots.pilot_detail, name="pilot-detail"),
    path("pilots/<int:pk>/case-study/", pilots.pilot_case_study, name="pilot-case-study"),
    path("pilots/<int:pk>/<slug:action>/", pilots.pilot_transition, name="pilot-transition"),
    path("case-studies/", case_studies.case_study_list, name="case-study-list"),
    path("case-studies/nominate/", case_studies.case_study_nominate, name="case-study-nominate"),
    path("case-studies/<int:pk>/edit/", case_studies.case_study_edit, name="case-study-edit"),
    path(
        "case-studies/<int:pk>/replicate/",
        case_studies.case_study_replicate,
        name="case-study-replicate",
    ),
    path(
        "case-studies/<int:pk>/status/<slug:action>/",
        case_studies.case_study_status,
        name="case-study-status",
    ),
    path("case-studies/<int:pk>/", case_studies.case_study_detail, name="case-study-detail-short"),
    path(
        "case-studies/<int:pk>/<slug:slug>/",
        case_studies.case_study_detail,
        name="case-study-detail",
    ),
]
