"""Demo workflows on top of the demo exchange: demand pooling, Q&A, shortlists, pilots, case
studies — so a newcomer sees an exchange in use, not an empty catalogue.

Everything goes through the workflow services, so permissions, notifications and audit
records are the real ones. Idempotent: a second run finds its marker pilot and does nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from exchange.models import Organisation, User
from listings import workflows
from listings.models import Listing, PilotRequest

MARKER_PILOT = "FallSense in Brook House extra care scheme"


@dataclass
class WorkflowReport:
    interests: int = 0
    questions: int = 0
    pilots: int = 0
    case_studies: int = 0
    shortlists: int = 0

    def __str__(self) -> str:
        return (
            f"{self.interests} interests, {self.questions} questions, {self.pilots} pilots, "
            f"{self.case_studies} case studies, {self.shortlists} shortlists"
        )


def _org(name: str) -> Organisation:
    return Organisation.objects.get(name=name)


def _person(email: str) -> User:
    return User.objects.get(email__iexact=email)


def _listing(title: str) -> Listing:
    return Listing.objects.get(title=title)


def _pooled_demand(report: WorkflowReport) -> None:
    isolation = _listing("Reducing isolation among older people in rural Northshire")
    for org, email, anonymous in (
        ("Bryngwyn County Council", "owain.jenkins@bryngwyn.example", False),
        ("Glenlochan Council", "kirsty.duncan@glenlochan.example", False),
        ("Silver Threads Befriending", "dev.patel@silverthreads.example", True),
    ):
        workflows.interest_register(
            actor=_person(email), listing=isolation, organisation=_org(org), anonymous=anonymous
        )
        report.interests += 1
    co_owner = workflows.co_owner_invite(
        actor=_person("gareth.lomas@northshire.example"),
        listing=isolation,
        organisation=_org("Bryngwyn County Council"),
        message="Shall we commission this together? Our upland wards look a lot like yours.",
    )
    workflows.co_owner_accept(actor=_person("owain.jenkins@bryngwyn.example"), co_owner=co_owner)
    workflows.response_create(
        actor=_person("maureen.clegg@silverthreads.example"),
        request=isolation,
        organisation=_org("Silver Threads Befriending"),
        proposed_listing=_listing("Telephone and doorstep befriending for older people"),
        pitch="120 trained volunteers across the Lune valley already; we can add 400 residents "
        "in six months with GP referrals.",
    )
    response = workflows.response_create(
        actor=_person("beth.lawson@kinlink.example"),
        request=isolation,
        organisation=_org("Kinlink Care Technology"),
        proposed_listing=_listing(
            "Kinlink Companion: a video-calling tablet with telecare built in"
        ),
        pitch="Tablets that a befriender can set up in one visit, with family video calls.",
    )
    workflows.response_shortlist(
        actor=_person("gareth.lomas@northshire.example"), response=response
    )
    damp = _listing("DampWatch: humidity and temperature sensors for social housing")
    workflows.interest_register(
        actor=_person("nkechi.eze@ashgrove.example"),
        listing=damp,
        organisation=_org("London Borough of Ashgrove"),
        note="Comparing with our own repairs data before the winter.",
    )
    report.interests += 1


def _questions(report: WorkflowReport) -> None:
    fallsense = _listing("FallSense: radar-based falls detection with no cameras")
    question = workflows.question_ask(
        actor=_person("helen.sutcliffe@calderbrook.example"),
        listing=fallsense,
        organisation=_org("Calderbrook Metropolitan Borough Council"),
        text="Does the radar work through the shower screen, and what happens when the Wi-Fi "
        "drops?",
    )
    workflows.question_answer(
        actor=_person("imran.hussain@kinlink.example"),
        question=question,
        body="Yes through glass and plasterboard. Each unit has a 4G fallback and buffers "
        "alerts for 24 hours, so no fall is lost during an outage.",
    )
    workflows.question_ask(
        actor=_person("priya.raman@kingsmere.example"),
        listing=_listing("BenefitLens: low-income household analytics"),
        organisation=_org("Kingsmere District Council"),
        anonymous=True,
        text="Can the model run on our own servers so resident data never leaves the council?",
    )
    report.questions += 2
    workflows.follow_create(actor=_person("claire.whitworth@northshire.example"), listing=fallsense)
    workflows.follow_create(
        actor=_person("amira.khan@northshire.example"), organisation=_org("Civicform")
    )


def _shortlist(report: WorkflowReport) -> None:
    officer = _person("nkechi.eze@ashgrove.example")
    shortlist = workflows.shortlist_create(
        actor=officer,
        organisation=_org("London Borough of Ashgrove"),
        name="Damp and mould early warning — options",
        description="For the housing improvement board in March.",
    )
    for title, note in (
        (
            "DampWatch: humidity and temperature sensors for social housing",
            "Sensors only; needs our repairs team to act on alerts.",
        ),
        (
            "Local Insight Toolkit: open data on health and deprivation by neighbourhood",
            "Could target the first 500 homes.",
        ),
    ):
        workflows.shortlist_item_add(
            actor=officer, shortlist=shortlist, listing=_listing(title), note=note
        )
    report.shortlists += 1


def _pilots(report: WorkflowReport) -> None:
    today = timezone.localdate()
    officer = _person("gareth.lomas@northshire.example")
    supplier = _person("sarah.boyle@kinlink.example")
    pilot = workflows.pilot_request_create(
        actor=officer,
        offer=_listing("FallSense: radar-based falls detection with no cameras"),
        requester=_org("Northshire County Council"),
        title=MARKER_PILOT,
        scope="24 flats in Brook House; alerts to the on-site care team and the telecare hub.",
        success_criteria="Median time from fall to assistance under 10 minutes; no camera "
        "complaints from residents.",
        contact_name="Gareth Lomas",
        contact_email="gareth.lomas@northshire.example",
        starts_on=today - timedelta(days=200),
        ends_on=today - timedelta(days=20),
        budget_pence=1_800_000,
    )
    workflows.pilot_accept(actor=supplier, pilot=pilot, note="Delighted — install week 1.")
    workflows.pilot_start(actor=officer, pilot=pilot)
    workflows.pilot_message_post(
        actor=officer, pilot=pilot, body="Residents' meeting went well; two asked for a demo."
    )
    workflows.pilot_complete(
        actor=officer,
        pilot=pilot,
        outcome="met",
        report="Median response fell from 31 to 8 minutes over six months; 3 hospital "
        "admissions avoided by the care team's estimate.",
    )
    case_study = workflows.case_study_draft_from_pilot(actor=officer, pilot=pilot)
    workflows.case_study_update(
        actor=officer,
        case_study=case_study,
        what_worked="Radar sensors were accepted by residents who had refused cameras.",
        what_didnt="Two flats with metal-framed partitions needed a second sensor.",
        costs="£18,000 for 24 flats over six months, including installation.",
        recipe=[
            "Hold a residents' meeting with a working demo before installing.",
            "Route alerts to the on-site team first and the telecare hub second.",
            "Survey flats for metal partitions before ordering sensors.",
        ],
    )
    workflows.case_study_publish(actor=officer, case_study=case_study)
    report.case_studies += 1
    report.pilots += 1

    requested = workflows.pilot_request_create(
        actor=_person("fiona.macleod@glenlochan.example"),
        offer=_listing("EV charge point concession: design, install and operate"),
        requester=_org("Glenlochan Council"),
        scope="Six rapid chargers across two island ferry terminals.",
        success_criteria="90% uptime over the summer season.",
        contact_name="Fiona MacLeod",
        contact_email="fiona.macleod@glenlochan.example",
        starts_on=today + timedelta(days=60),
        ends_on=today + timedelta(days=240),
        budget_pence=0,
    )
    workflows.pilot_message_post(
        actor=_person("fiona.macleod@glenlochan.example"),
        pilot=requested,
        body="We have no capital budget, but the ferry company will host the chargers.",
    )
    report.pilots += 1


def _shining_light(report: WorkflowReport) -> None:
    story = workflows.case_study_nominate(
        actor=_person("meilin.chen@eastmoor.example"),
        organisation=_org("Get Connected Cymru"),
        title="Digital Champions in every Bryngwyn library",
        summary="Volunteers helped 900 people get online in a year, in Welsh and English.",
        what_tried="Weekly drop-in sessions in eight branch libraries with trained volunteers.",
        what_worked="Bilingual skills cards and the same volunteer every week.",
        recipe=["Recruit volunteers from library users.", "Use the skills cards."],
        nomination_note="Our evaluation found the best retention of any programme we studied.",
    )
    workflows.case_study_publish(
        actor=_person("sian.roberts@getconnected.example"), case_study=story
    )
    report.case_studies += 1


@transaction.atomic
def seed_workflows() -> WorkflowReport:
    """Add demo interests, Q&A, a shortlist, pilots and case studies to the demo exchange.

    Needs ``seed_demo`` first. Idempotent: does nothing when its marker pilot exists.
    """
    report = WorkflowReport()
    if PilotRequest.objects.filter(title=MARKER_PILOT).exists():
        return report
    _pooled_demand(report)
    _questions(report)
    _shortlist(report)
    _pilots(report)
    _shining_light(report)
    return report


__all__ = ["WorkflowReport", "seed_workflows"]
