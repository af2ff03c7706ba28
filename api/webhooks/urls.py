from django.urls import path

from api.webhooks import views

urlpatterns = [
    path("organisations/<slug:slug>/webhooks/", views.webhook_list, name="webhook-list"),
    path("webhooks/<int:pk>/", views.webhook_detail, name="webhook-detail"),
    path(
        "webhooks/<int:pk>/deliveries/<int:delivery_pk>/redeliver/",
        views.webhook_redeliver,
        name="webhook-redeliver",
    ),
]
