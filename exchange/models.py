from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser, Group
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.functions import Lower

from exchange.enums import (
    Delivery,
    NotificationKind,
    OrganisationKind,
    Region,
    RequestStatus,
    Role,
)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person. Email is the login; the username field is gone."""

    username = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    job_title = models.CharField(max_length=150, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []  # type: ignore[misc]

    objects = UserManager()  # type: ignore[misc,assignment]

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name or self.email.split("@", 1)[0]


class Organisation(models.Model):
    """A supplier, council, third-sector group or other body. Objects belong to organisations."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)
    description = models.TextField(blank=True)
    website = models.URLField(blank=True)
    region = models.CharField(max_length=20, choices=Region.choices, default=Region.NATIONAL)
    is_small = models.BooleanField(
        "small or medium enterprise",
        default=True,
        help_text="Suppliers: fewer than 250 staff.",
    )
    verified = models.BooleanField(
        default=False, help_text="Staff have verified this is a genuine public body."
    )
    admin_group = models.OneToOneField(
        Group, on_delete=models.PROTECT, related_name="administered_organisation"
    )
    member_group = models.OneToOneField(
        Group, on_delete=models.PROTECT, related_name="membered_organisation"
    )
    members = models.ManyToManyField(  # type: ignore[var-annotated]
        "exchange.User", through="exchange.Membership", related_name="organisations"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        permissions = [("manage_members", "Can manage the organisation's members")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_public_body(self) -> bool:
        return self.kind == OrganisationKind.COUNCIL


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)  # joined or role changed (API sync)

    class Meta:
        ordering = ["organisation__name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique"),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation} ({self.role})"


class Invitation(models.Model):
    """An emailed invitation to join an organisation, accepted through a signed link."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=models.Q(status="pending"),
                name="invitation_one_pending_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"


class JoinRequest(models.Model):
    """A person asks to join an organisation; one of its admins approves or declines."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="join_requests"
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="join_requests")
    message = models.TextField(blank=True, max_length=1000)
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    decided_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=models.Q(status="pending"),
                name="joinrequest_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.organisation} ({self.status})"


class Tag(models.Model):
    """Free folksonomy. ``slug`` is the normalised form; a merged tag points at its target."""

    name = models.CharField(max_length=60)
    slug = models.SlugField(max_length=60, unique=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="synonyms",
        help_text="Set when this tag was merged: it then acts as a synonym of the target.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(merged_into=models.F("id")), name="tag_not_merged_into_self"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class NeedArea(models.Model):
    """First level of the controlled vocabulary: a public-service area."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Need(models.Model):
    """Second level: a need or capability within an area."""

    area = models.ForeignKey(NeedArea, on_delete=models.PROTECT, related_name="needs")
    name = models.CharField(max_length=160)
    slug = models.SlugField(max_length=160, unique=True)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["area__position", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="need_unique_name_in_area"),
        ]

    def __str__(self) -> str:
        return f"{self.area.name} › {self.name}"


class Notification(models.Model):
    """Something a person should know. Shown in-app; emailed according to preference."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    text = models.CharField(max_length=300)
    link = models.CharField(max_length=500, blank=True)
    target_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    target_id = models.CharField(max_length=64, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Set when an email covering this notification was sent (immediately or in a digest);
    # ``email_skipped`` marks those never to be emailed (preference "never").
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_skipped = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["emailed_at", "email_skipped"], name="notification_pending_mail"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.text}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """Per person and kind: how email is delivered. No row means the default (digest)."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.DIGEST)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_pref_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind}: {self.delivery}"


class ApiToken(models.Model):
    """A personal API token. Only a SHA-256 hash of the secret is stored; revocable."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class OutboxMessage(models.Model):
    """Work that must not be lost, written in the same transaction as the change it follows.

    A relay (``exchange.outbox.outbox_relay``) hands each due message to the handler named
    for its ``kind`` in ``settings.OUTBOX_HANDLERS``, marks it sent, or schedules a retry.
    The row id is the idempotency key handlers use, since a message may be handled twice.
    """

    kind = models.CharField(max_length=50)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    available_at = models.DateTimeField(help_text="Not handled before this time.")
    attempts = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["available_at", "id"]
        indexes = [
            models.Index(
                fields=["available_at", "id"],
                name="outbox_due",
                condition=models.Q(sent_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        state = "sent" if self.sent_at else f"due {self.available_at:%Y-%m-%d %H:%M:%S}"
        return f"{self.kind} #{self.pk} ({state})"
