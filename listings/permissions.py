"""Object-permission codenames of the council workflows (granted by the creating services).

Listing codenames stay in ``exchange.permissions``; these follow the same rule: every grant
goes to an organisation's role group, never to a person.

- Pilot requests: the *supplier* side answers (accept / decline); the *requester* side runs the
  pilot (withdraw, start, complete); either side may cancel an accepted or active pilot and
  write in its thread.
- Shortlists: the owning organisation's members view and change them.
- Case studies: the featured organisation publishes (for a nomination that is its consent);
  for a pilot's case study both sides may edit the draft.
"""

from __future__ import annotations

PILOT_VIEW = "listings.view_pilotrequest"
PILOT_ANSWER = "listings.answer_pilotrequest"
PILOT_RUN = "listings.run_pilotrequest"
PILOT_CANCEL = "listings.cancel_pilotrequest"
PILOT_MESSAGE = "listings.message_pilotrequest"
PILOT_BOTH_SIDES_PERMS = (PILOT_VIEW, PILOT_CANCEL, PILOT_MESSAGE)
PILOT_SUPPLIER_PERMS = (*PILOT_BOTH_SIDES_PERMS, PILOT_ANSWER)
PILOT_REQUESTER_PERMS = (*PILOT_BOTH_SIDES_PERMS, PILOT_RUN)

SHORTLIST_VIEW = "listings.view_shortlist"
SHORTLIST_CHANGE = "listings.change_shortlist"
SHORTLIST_MEMBER_PERMS = (SHORTLIST_VIEW, SHORTLIST_CHANGE)

CASE_STUDY_CHANGE = "listings.change_casestudy"
CASE_STUDY_PUBLISH = "listings.publish_casestudy"
