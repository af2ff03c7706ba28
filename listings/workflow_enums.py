"""Choices of the council workflows: interest, co-owners, responses, Q&A, shortlists, pilots,
case studies. (Listing choices stay in ``listings.enums``.)"""

from __future__ import annotations

from django.db import models


class CoOwnerStatus(models.TextChoices):
    INVITED = "invited", "Invited"
    ACCEPTED = "accepted", "Co-owner"
    DECLINED = "declined", "Declined"
    REMOVED = "removed", "Removed"


# A co-ownership that still counts: one per listing and organisation.
LIVE_CO_OWNER_STATUSES = (CoOwnerStatus.INVITED, CoOwnerStatus.ACCEPTED)


class ResponseStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    SHORTLISTED = "shortlisted", "Shortlisted"
    INVITED = "invited", "Invited to pilot"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ResponderKind(models.TextChoices):
    """How a request's public page counts its responses."""

    SMALL_SUPPLIER = "small_supplier", "Small supplier"
    LARGE_SUPPLIER = "large_supplier", "Large supplier"
    THIRD_SECTOR = "third_sector", "Third sector"
    OTHER = "other", "Public body or other"


class DeclineReason(models.TextChoices):
    """Why a response or a pilot request was declined — no black holes."""

    NOT_A_FIT = "not_a_fit", "Not a fit for the need"
    BUDGET = "budget", "Outside the budget"
    TIMING = "timing", "The timing does not work"
    CHOSEN_OTHER = "chosen_other", "Another option was chosen"
    CAPACITY = "capacity", "No capacity to take this on"
    INCOMPLETE = "incomplete", "Not enough information"
    OTHER = "other", "Other reason"


class QuestionStatus(models.TextChoices):
    OPEN = "open", "Awaiting an answer"
    ANSWERED = "answered", "Answered"
    ANSWERED_ELSEWHERE = "answered_elsewhere", "Answered elsewhere"
    DECLINED = "declined", "Declined"


class QuestionDeclineReason(models.TextChoices):
    OFF_TOPIC = "off_topic", "Not about this listing"
    DUPLICATE = "duplicate", "Already asked"
    CONFIDENTIAL = "confidential", "Commercially confidential"
    INAPPROPRIATE = "inappropriate", "Not appropriate for a public answer"
    OTHER = "other", "Other reason"


class ShortlistStatus(models.TextChoices):
    OPEN = "open", "Open"
    CHOSEN = "chosen", "Listing chosen"
    NONE_SUITABLE = "none_suitable", "None suitable"
    CANCELLED = "cancelled", "Cancelled"


class ShortlistAction(models.TextChoices):
    CREATED = "created", "Created"
    RENAMED = "renamed", "Renamed"
    ITEM_ADDED = "item_added", "Listing added"
    ITEM_REMOVED = "item_removed", "Listing removed"
    NOTE_CHANGED = "note_changed", "Note changed"
    REORDERED = "reordered", "Reordered"
    OUTCOME = "outcome", "Outcome recorded"


class PilotStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


PILOT_FINAL_STATUSES = frozenset(
    {PilotStatus.DECLINED, PilotStatus.WITHDRAWN, PilotStatus.COMPLETED, PilotStatus.CANCELLED}
)


class PilotSide(models.TextChoices):
    REQUESTER = "requester", "Requester"
    SUPPLIER = "supplier", "Supplier"


class PilotOutcome(models.TextChoices):
    MET = "met", "Success criteria met"
    PARTLY_MET = "partly_met", "Partly met"
    NOT_MET = "not_met", "Not met"


class CaseStudyOrigin(models.TextChoices):
    PILOT = "pilot", "From a pilot"
    NOMINATION = "nomination", "Shining light"


class CaseStudyStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    AWAITING_CONSENT = "awaiting_consent", "Awaiting consent"
    PUBLISHED = "published", "Published"
    DECLINED = "declined", "Consent declined"
    WITHDRAWN = "withdrawn", "Withdrawn"
