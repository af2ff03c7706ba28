"""Models of the listings app: listings and saved searches (``listing``), and the council
workflows done with them — interest and co-owners, responses, Q&A and follows, shortlists,
pilot requests, case studies."""

from listings.models.case_studies import (
    CaseStudy,
    CaseStudyGroupObjectPermission,
    CaseStudyUserObjectPermission,
)
from listings.models.interests import CoOwner, Interest, RequestResponse
from listings.models.listing import (
    Listing,
    ListingGroupObjectPermission,
    ListingUserObjectPermission,
    SavedSearch,
)
from listings.models.pilots import (
    PilotMessage,
    PilotRequest,
    PilotRequestGroupObjectPermission,
    PilotRequestUserObjectPermission,
    PilotTransition,
)
from listings.models.questions import Answer, Follow, Question
from listings.models.shortlists import (
    Shortlist,
    ShortlistEvent,
    ShortlistGroupObjectPermission,
    ShortlistItem,
    ShortlistUserObjectPermission,
)

__all__ = [
    "Answer",
    "CaseStudy",
    "CaseStudyGroupObjectPermission",
    "CaseStudyUserObjectPermission",
    "CoOwner",
    "Follow",
    "Interest",
    "Listing",
    "ListingGroupObjectPermission",
    "ListingUserObjectPermission",
    "PilotMessage",
    "PilotRequest",
    "PilotRequestGroupObjectPermission",
    "PilotRequestUserObjectPermission",
    "PilotTransition",
    "Question",
    "RequestResponse",
    "SavedSearch",
    "Shortlist",
    "ShortlistEvent",
    "ShortlistGroupObjectPermission",
    "ShortlistItem",
    "ShortlistUserObjectPermission",
]
