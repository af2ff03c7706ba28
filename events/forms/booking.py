"""Booking forms: tickets and seats, attendees, payment, waitlist, cancellation, check-in."""

from __future__ import annotations

from typing import Any

from django import forms

from events import payments
from events.enums import (
    PaymentMethod,
)
from events.forms.common import (
    organisations_of,
)
from events.models import Event, TicketType
from events.services import AttendeeData, InvoiceDetails
from exchange.forms import ExchangeForm
from exchange.models import Organisation, User


class TicketField(forms.ModelChoiceField):
    """Ticket types by name and list price: "Delegate (£25)", "Standard (free)"."""

    def label_from_instance(self, obj: Any) -> str:
        if not obj.price_pence:
            return f"{obj.name} (free)"
        whole, part = divmod(obj.price_pence, 100)
        return f"{obj.name} (£{whole:,}{f'.{part:02d}' if part else ''})"


class TicketChoiceForm(forms.Form):
    """Step one on the event page: which tickets, how many."""

    ticket = TicketField(queryset=TicketType.objects.none(), empty_label=None)
    quantity = forms.IntegerField(min_value=1, max_value=100, initial=1, label="Seats")

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ticket"].queryset = event.ticket_types.all()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        ticket, quantity = data.get("ticket"), data.get("quantity")
        if ticket and quantity and quantity > ticket.max_per_booking:
            self.add_error("quantity", f"Book at most {ticket.max_per_booking} seats at a time.")
        return data


class AttendeeForm(ExchangeForm):
    name = forms.CharField(max_length=150, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    email = forms.EmailField(max_length=254)


def attendee_formset(data: Any, *, quantity: int, user: User) -> forms.BaseFormSet:  # type: ignore[type-arg]
    """One attendee form per seat; the first seat defaults to the booker."""
    initial = [{"name": user.display_name, "email": user.email}] + [{}] * (quantity - 1)
    formset = forms.formset_factory(
        AttendeeForm,
        extra=0,
        min_num=quantity,
        max_num=quantity,
        validate_min=True,
        validate_max=True,
    )
    return formset(data, initial=initial, prefix="attendees")


def attendee_data(formset: forms.BaseFormSet) -> list[AttendeeData]:  # type: ignore[type-arg]
    return [
        AttendeeData(name=f.cleaned_data["name"], email=f.cleaned_data["email"])
        for f in formset.forms
        if f.cleaned_data
    ]


class PaymentForm(ExchangeForm):
    """How a paid booking is paid for, and for whom."""

    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="Myself",
        label="Booking for",
    )
    payment_method = forms.ChoiceField(
        choices=[], widget=forms.RadioSelect, label="How will you pay?", required=False
    )
    purchase_order = forms.CharField(max_length=60, required=False, label="Purchase-order number")
    billing_name = forms.CharField(max_length=150, required=False, label="Billing contact")
    billing_email = forms.EmailField(required=False, label="Billing contact's email")
    billing_address = forms.CharField(
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Invoice address",
    )

    def __init__(self, *args: Any, user: User, paid: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        orgs = organisations_of(user)
        self.fields["organisation"].queryset = orgs  # type: ignore[attr-defined]
        self.paid = paid
        choices = []
        if paid and payments.enabled():
            choices.append((PaymentMethod.CARD.value, "Card, now (Stripe)"))
        if paid and any(org.is_public_body for org in orgs):
            choices.append((PaymentMethod.INVOICE.value, "Invoice to my council (purchase order)"))
        self.fields["payment_method"].choices = choices  # type: ignore[attr-defined]
        if len(choices) == 1:
            self.fields["payment_method"].initial = choices[0][0]
        if not paid:
            for name in ("payment_method", "purchase_order", "billing_name", "billing_email"):
                del self.fields[name]
            del self.fields["billing_address"]

    @property
    def can_pay(self) -> bool:
        return not self.paid or bool(self.fields["payment_method"].choices)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.paid:
            return data
        method = data.get("payment_method")
        if not method:
            self.add_error("payment_method", "Choose how you will pay.")
        if method == PaymentMethod.INVOICE:
            org = data.get("organisation")
            if org is None or not org.is_public_body:
                self.add_error(
                    "organisation", "Invoices are for public bodies: choose your council."
                )
            for name in ("purchase_order", "billing_name", "billing_email"):
                if not data.get(name):
                    self.add_error(name, "Needed for an invoice.")
        return data

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        method = d.get("payment_method") or PaymentMethod.FREE
        invoice = None
        if method == PaymentMethod.INVOICE:
            invoice = InvoiceDetails(
                purchase_order=d["purchase_order"],
                billing_name=d["billing_name"],
                billing_email=d["billing_email"],
                billing_address=d["billing_address"],
            )
        return {"payment_method": method, "organisation": d.get("organisation"), "invoice": invoice}


class WaitlistJoinForm(ExchangeForm):
    ticket = TicketField(queryset=TicketType.objects.none(), empty_label=None)
    quantity = forms.IntegerField(min_value=1, max_value=100, initial=1, label="Seats wanted")
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="Myself",
        label="For",
    )

    def __init__(self, *args: Any, event: Event, user: User | None, **kwargs: Any) -> None:
        # Shown next to the booking form on the same page: distinct ids, same field names.
        kwargs.setdefault("auto_id", "id_waitlist_%s")
        super().__init__(*args, **kwargs)
        self.fields["ticket"].queryset = event.ticket_types.all()  # type: ignore[attr-defined]
        if user is not None:
            self.fields["organisation"].queryset = organisations_of(user)  # type: ignore[attr-defined]


class BookingCancelForm(ExchangeForm):
    reason = forms.CharField(max_length=300, required=False, label="Reason (optional)")


class CheckInForm(ExchangeForm):
    code = forms.CharField(
        max_length=500,
        label="Ticket code",
        help_text="Type the code under the QR code, or scan it into this box.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )
