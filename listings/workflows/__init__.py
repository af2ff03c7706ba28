"""Services of the council workflows: interest and co-owners, responses to requests, public Q&A,
follows, shortlists, pilot requests and case studies.

Same rules as ``listings.services``: keyword-only, ``actor`` first, one transaction each,
permission and state checks inside, every notification through ``exchange.notifications``.
"""

from listings.workflows.case_studies import (
    case_study_decline,
    case_study_draft_from_pilot,
    case_study_nominate,
    case_study_publish,
    case_study_replicate,
    case_study_update,
    case_study_withdraw,
)
from listings.workflows.follows import (
    follow_create,
    follow_delete,
    followers_notify_listing_status,
)
from listings.workflows.interests import (
    co_owner_accept,
    co_owner_decline,
    co_owner_invite,
    co_owner_remove,
    interest_register,
    interest_withdraw,
)
from listings.workflows.pilots import (
    PILOT_ACTIONS,
    pilot_accept,
    pilot_actions_for,
    pilot_cancel,
    pilot_complete,
    pilot_decline,
    pilot_message_post,
    pilot_request_create,
    pilot_start,
    pilot_withdraw,
)
from listings.workflows.questions import (
    question_answer,
    question_ask,
    question_decline,
    question_mark_answered_elsewhere,
)
from listings.workflows.responses import (
    response_create,
    response_decline,
    response_invite_to_pilot,
    response_shortlist,
    response_withdraw,
)
from listings.workflows.shortlists import (
    shortlist_create,
    shortlist_item_add,
    shortlist_item_move,
    shortlist_item_note,
    shortlist_item_remove,
    shortlist_outcome_record,
    shortlist_rename,
    shortlist_reorder,
)

__all__ = [
    "PILOT_ACTIONS",
    "case_study_decline",
    "case_study_draft_from_pilot",
    "case_study_nominate",
    "case_study_publish",
    "case_study_replicate",
    "case_study_update",
    "case_study_withdraw",
    "co_owner_accept",
    "co_owner_decline",
    "co_owner_invite",
    "co_owner_remove",
    "follow_create",
    "follow_delete",
    "followers_notify_listing_status",
    "interest_register",
    "interest_withdraw",
    "pilot_accept",
    "pilot_actions_for",
    "pilot_cancel",
    "pilot_complete",
    "pilot_decline",
    "pilot_message_post",
    "pilot_request_create",
    "pilot_start",
    "pilot_withdraw",
    "question_answer",
    "question_ask",
    "question_decline",
    "question_mark_answered_elsewhere",
    "response_create",
    "response_decline",
    "response_invite_to_pilot",
    "response_shortlist",
    "response_withdraw",
    "shortlist_create",
    "shortlist_item_add",
    "shortlist_item_move",
    "shortlist_item_note",
    "shortlist_item_remove",
    "shortlist_outcome_record",
    "shortlist_rename",
    "shortlist_reorder",
]
