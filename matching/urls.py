from django.urls import path

from matching import views

urlpatterns = [
    path("trends/", views.trends, name="trends"),
    path("trends.csv", views.trends_csv, name="trends-csv"),
    path(
        "listings/<int:pk>/matches/<int:target_pk>/dismiss/",
        views.match_dismiss,
        name="match-dismiss",
    ),
]
