from django.urls import path

from listings import views

urlpatterns = [
    path("listings/", views.listing_browse, name="listing-browse"),
    path("listings/new/", views.listing_create, name="listing-create"),
    path("listings/mine/", views.my_listings, name="listing-mine"),
    path("listings/<int:pk>/edit/", views.listing_edit, name="listing-edit"),
    path("listings/<int:pk>/status/", views.listing_status, name="listing-status"),
    path("listings/<int:pk>/", views.listing_detail, name="listing-detail-short"),
    path("listings/<int:pk>/<slug:slug>/", views.listing_detail, name="listing-detail"),
]
