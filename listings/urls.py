from django.urls import path

from listings import feeds, views

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
