"""Forms of the core app. They validate input; services do the writing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.forms.boundfield import BoundField

from exchange.enums import (
    ALWAYS_IMMEDIATE_KINDS,
    Delivery,
    NotificationKind,
    OrganisationKind,
    Region,
    Role,
)
from exchange.exceptions import ValidationError
from exchange.models import Organisation, User


class DescribedBoundField(BoundField):
    """Point ``aria-describedby`` at the hint and error ids that includes/field.html renders."""

    @property
    def aria_describedby(self) -> str | None:
        if self.field.widget.attrs.get("aria-describedby") or self.is_hidden:
            return None
        ids = []
        if self.help_text:
            ids.append(f"{self.id_for_label}-hint")
        if self.errors:
            ids.append(f"{self.id_for_label}-error")
        return " ".join(ids)


def add_service_error(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the fields it names, else above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class ExchangeForm(forms.Form):
    bound_field_class = DescribedBoundField


def single_line(value: str) -> str:
    """Collapse runs of whitespace (including newlines) into single spaces."""
    return " ".join(value.split())


class SignupForm(ExchangeForm):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="You log in with this address. We send invitations and updates to it.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    full_name = forms.CharField(
        label="Full name",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    job_title = forms.CharField(
        label="Job title",
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="Password again",
        strip=False,
        help_text="Type the same password again, to be sure.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = " ".join(
            password_validation.password_validators_help_texts()
        )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean_full_name(self) -> str:
        return single_line(self.cleaned_data["full_name"])

    def clean_job_title(self) -> str:
        return single_line(self.cleaned_data["job_title"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "The two passwords do not match.")
        elif password2:
            candidate = User(email=cleaned.get("email", ""), full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(password2, user=candidate)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


class ProfileForm(ExchangeForm):
    full_name = forms.CharField(
        label="Full name",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    job_title = forms.CharField(
        label="Job title",
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )

    def clean_full_name(self) -> str:
        return single_line(self.cleaned_data["full_name"])

    def clean_job_title(self) -> str:
        return single_line(self.cleaned_data["job_title"])


class OrganisationForm(forms.ModelForm):
    """Validates an organisation's public details; the services create and update."""

    bound_field_class = DescribedBoundField
    website = forms.URLField(
        label="Website",
        required=False,
        max_length=200,
        assume_scheme="https",
        help_text="For example https://www.northshire.gov.uk",
    )

    class Meta:
        model = Organisation
        fields = ["name", "kind", "region", "description", "website", "is_small"]
        labels = {"kind": "Kind of organisation", "is_small": "Small or medium enterprise"}
        help_texts = {
            "description": "What you do and who for. You can use Markdown.",
            "is_small": "Suppliers: tick if you have fewer than 250 staff.",
        }

    def __init__(self, *args: Any, verified: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [  # type: ignore[attr-defined]
            ("", "Choose one"),
            *OrganisationKind.choices,
        ]
        if verified:
            self.fields["kind"].disabled = True
            self.fields["kind"].help_text = "A verified public body cannot change its kind."

    def clean_name(self) -> str:
        return single_line(self.cleaned_data["name"])


class OrganisationFilterForm(ExchangeForm):
    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "Any kind"), *OrganisationKind.choices]
    )
    region = forms.ChoiceField(
        label="Region", required=False, choices=[("", "Any region"), *Region.choices]
    )


class JoinRequestForm(ExchangeForm):
    message = forms.CharField(
        label="Message to the admins (optional)",
        required=False,
        max_length=1000,
        help_text="Say who you are and why you want to join.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class InvitationForm(ExchangeForm):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="We email them a link to accept. It works for 14 days.",
    )
    role = forms.ChoiceField(label="Role", choices=Role.choices, initial=Role.MEMBER)

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class RoleForm(ExchangeForm):
    role = forms.ChoiceField(label="Role", choices=Role.choices)


class NotificationSettingsForm(ExchangeForm):
    """One radio group per notification kind that people may choose how to receive."""

    def __init__(self, *args: Any, preferences: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in choosable_kinds():
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=Delivery.choices,
                widget=forms.RadioSelect,
                initial=preferences.get(kind.value, Delivery.DIGEST),
            )


def choosable_kinds() -> list[NotificationKind]:
    return [kind for kind in NotificationKind if kind not in ALWAYS_IMMEDIATE_KINDS]


def fixed_kinds() -> list[NotificationKind]:
    return [kind for kind in NotificationKind if kind in ALWAYS_IMMEDIATE_KINDS]


class ApiTokenForm(ExchangeForm):
    name = forms.CharField(
        label="Token name",
        max_length=100,
        help_text="What will use it, for example “CRM sync”. Only you see the name.",
    )

    def clean_name(self) -> str:
        return single_line(self.cleaned_data["name"])
