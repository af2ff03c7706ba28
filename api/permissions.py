"""Object permissions for the API, answered by django-guardian grants on the object.

DRF's ``DjangoObjectPermissions`` also demands the *global* model permission (nobody holds
``listings.change_listing`` globally: organisations' groups hold it per object), so it would
refuse every write. This subclass asks only for authentication before the object is known and
then checks the object permission alone. Reading needs no permission here: what a requester
may see is decided by the viewset's queryset (a visibility query), so objects outside it are
404 before this class is consulted; visible-but-not-allowed is 403.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from rest_framework import permissions
from rest_framework.request import Request
from rest_framework.views import APIView


class ObjectPermissions(permissions.DjangoObjectPermissions):
    """Guardian object permissions without global model permissions.

    A viewset may name the permissions of its extra actions in ``object_permissions``,
    e.g. ``{"publish": ("listings.publish_listing",)}``; otherwise the HTTP method decides.
    """

    perms_map = {
        "GET": [],
        "OPTIONS": [],
        "HEAD": [],
        # A POST that reaches an object is an action on it: editing rights by default.
        "POST": ["%(app_label)s.change_%(model_name)s"],
        "PUT": ["%(app_label)s.change_%(model_name)s"],
        "PATCH": ["%(app_label)s.change_%(model_name)s"],
        "DELETE": ["%(app_label)s.delete_%(model_name)s"],
    }

    def has_permission(self, request: Request, view: APIView) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return bool(request.user and request.user.is_authenticated)

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        required = self.required_object_permissions(request, view, obj)
        if not required:
            return True
        return bool(request.user.has_perms(required, obj))

    def required_object_permissions(
        self, request: Request, view: APIView, obj: models.Model
    ) -> list[str]:
        by_action: dict[str, tuple[str, ...]] = getattr(view, "object_permissions", {})
        action = getattr(view, "action", None)
        if action in by_action:
            return list(by_action[action])
        return self.get_required_object_permissions(request.method or "GET", type(obj))
