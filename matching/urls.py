from django.urls import path

from matching import views

urlpatterns = [
    path(
        "listings/<int:pk>/matches/<int:target_pk>/dismiss/",
        views.match_dismiss,
        name="match-dismiss",
    ),
]
