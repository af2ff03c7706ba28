import pytest

from exchange.enums import Delivery
from exchange.exceptions import ValidationError
from exchange.forms import (
    ApiTokenForm,
    InvitationForm,
    NotificationSettingsForm,
    OrganisationFilterForm,
    OrganisationForm,
    ProfileForm,
    SignupForm,
    add_service_error,
    choosable_kinds,
    fixed_kinds,
)


def signup_data(**overrides):
    data = {
        "email": " Amira.Khan@Northshire.Example ",
        "full_name": "Amira  Khan",
        "job_title": "",
        "password1": "tidy-lantern-harbour",
        "password2": "tidy-lantern-harbour",
    }
    return {**data, **overrides}


def test_signup_form_normalises_email_and_name():
    form = SignupForm(signup_data())

    assert form.is_valid() is True
    assert (form.cleaned_data["email"], form.cleaned_data["full_name"]) == (
        "amira.khan@northshire.example",
        "Amira Khan",
    )


def test_signup_form_passwords_must_match():
    form = SignupForm(signup_data(password2="tidy-lantern-harbouR"))

    assert form.is_valid() is False
    assert form.errors == {"password2": ["The two passwords do not match."]}


def test_signup_form_refuses_password_like_the_email():
    form = SignupForm(
        signup_data(
            email="amirakhan77@northshire.example", password1="amirakhan77", password2="amirakhan77"
        )
    )

    assert form.is_valid() is False
    assert form.errors == {"password1": ["The password is too similar to the email address."]}


def test_signup_form_lists_password_rules_as_hint():
    form = SignupForm()

    assert "at least 8 characters" in form.fields["password1"].help_text


def test_profile_form_collapses_newlines_in_names():
    form = ProfileForm({"full_name": "Amira\r\nKhan", "job_title": " Digital\tlead "})

    assert form.is_valid() is True
    assert form.cleaned_data == {"full_name": "Amira Khan", "job_title": "Digital lead"}


def test_organisation_form_valid_data():
    form = OrganisationForm(
        {
            "name": "Brightbin  Ltd",
            "kind": "supplier",
            "region": "london",
            "website": "brightbin.example",
            "is_small": "on",
        }
    )

    assert form.is_valid() is True
    assert form.cleaned_data == {
        "name": "Brightbin Ltd",
        "kind": "supplier",
        "region": "london",
        "description": "",
        "website": "https://brightbin.example",
        "is_small": True,
    }


def test_organisation_form_for_verified_body_keeps_kind():
    form = OrganisationForm(
        {"name": "Northshire", "kind": "supplier", "region": "london"},
        initial={"kind": "council"},
        verified=True,
    )

    assert form.is_valid() is True
    assert form.cleaned_data["kind"] == "council"


def test_organisation_filter_form_refuses_unknown_kind():
    form = OrganisationFilterForm({"kind": "castle"})

    assert form.is_valid() is False
    assert list(form.errors) == ["kind"]


def test_invitation_form_lowercases_email():
    form = InvitationForm({"email": "New.Person@Example.ORG", "role": "admin"})

    assert form.is_valid() is True
    assert form.cleaned_data == {"email": "new.person@example.org", "role": "admin"}


def test_api_token_form_requires_a_name():
    form = ApiTokenForm({"name": "   "})

    assert form.is_valid() is False
    assert form.errors == {"name": ["This field is required."]}


def test_notification_settings_form_offers_only_choosable_kinds_with_initial_values():
    preferences = {"membership": "never", "match": "immediate"}

    form = NotificationSettingsForm(preferences=preferences)

    assert list(form.fields) == [kind.value for kind in choosable_kinds()]
    assert [kind.value for kind in fixed_kinds()] == ["booking", "system"]
    assert (form["membership"].value(), form["match"].value(), form["event"].value()) == (
        "never",
        "immediate",
        "digest",
    )


def test_notification_settings_form_requires_every_kind():
    data = {kind.value: Delivery.NEVER for kind in choosable_kinds()}
    del data["event"]

    form = NotificationSettingsForm(data, preferences={})

    assert form.is_valid() is False
    assert form.errors == {"event": ["This field is required."]}


def test_add_service_error_puts_known_fields_on_fields_and_the_rest_on_top():
    form = InvitationForm({"email": "a@example.org", "role": "member"})
    form.is_valid()

    add_service_error(form, ValidationError({"email": "Taken.", "organisation": "Full."}))

    assert form.errors == {"email": ["Taken."], "__all__": ["Full."]}


def test_add_service_error_without_field_goes_on_top():
    form = ApiTokenForm({"name": "CRM"})
    form.is_valid()

    add_service_error(form, ValidationError("Try later."))

    assert form.non_field_errors() == ["Try later."]


@pytest.mark.parametrize(
    ("data", "described_by"),
    [
        ({"email": "a@example.org", "role": "member"}, 'aria-describedby="id_email-hint"'),
        ({"email": "nope", "role": "member"}, 'aria-describedby="id_email-hint id_email-error"'),
    ],
)
def test_fields_are_described_by_the_hint_and_error_ids_the_template_renders(data, described_by):
    form = InvitationForm(data)
    form.is_valid()

    assert described_by in str(form["email"])
