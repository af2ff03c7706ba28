"""Networking at events: pitch applications (``pitches``) and 1:1 meetings (``meetings``)."""

from events.services.meetings import (
    meeting_request_accept,
    meeting_request_cancel,
    meeting_request_create,
    meeting_request_decline,
    meeting_slot_create,
    meeting_slot_delete,
)
from events.services.pitches import (
    pitch_application_accept,
    pitch_application_create,
    pitch_application_decline,
    pitch_application_withdraw,
)

__all__ = [
    "meeting_request_accept",
    "meeting_request_cancel",
    "meeting_request_create",
    "meeting_request_decline",
    "meeting_slot_create",
    "meeting_slot_delete",
    "pitch_application_accept",
    "pitch_application_create",
    "pitch_application_decline",
    "pitch_application_withdraw",
]
