"""Case study pages: the searchable list, a case study with its Q&A, nominate, edit, publish or
consent, and "Replicate this"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from exchange.markup import render_markdown
from exchange.models import NeedArea
from exchange.permissions import has_perm
from exchange.typing import AuthenticatedHttpRequest
from listings import workflows
from listings.forms_workflows import (
    CaseStudyFilterForm,
    CaseStudyForm,
    NominationForm,
    QuestionDeclineForm,
    QuestionForm,
    ReplicateForm,
)
from listings.models import CaseStudy
from listings.permissions import CASE_STUDY_CHANGE, CASE_STUDY_PUBLISH
from listings.queries import (
    CaseStudyFilters,
    case_studies_visible_to,
    case_study_search,
    follow_of,
    may_see_asker,
    questions_on,
)
from listings.views_workflows.common import SERVICE_ERRORS, apply_service_error, run
from listings.workflow_enums import CaseStudyStatus


def case_study_list(request: HttpRequest) -> HttpResponse:
    """Published case studies, searchable by words and filtered by need, region, kind …"""
    form = CaseStudyFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = CaseStudyFilters(**{k: v or "" for k, v in data.items()})
    page = Paginator(case_study_search(request.user, filters), 20).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    query = params.urlencode()
    return render(
        request,
        "listings/case_study_list.html",
        {
            "form": form,
            "page_obj": page,
            "querystring_without_page": f"{query}&" if query else "",
            "need_areas": NeedArea.objects.order_by("position", "name"),
            "filters": filters,
        },
    )


def case_study_detail(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    case_study = get_object_or_404(case_studies_visible_to(request.user), pk=pk)
    if slug != case_study.slug:
        return redirect(case_study, permanent=True)
    user = request.user
    manager = has_perm(user, CASE_STUDY_CHANGE, case_study)
    questions = [
        (q, *may_see_asker(user, q, manager=manager)) for q in questions_on(user, case_study)
    ]
    return render(
        request,
        "listings/case_study_detail.html",
        {
            "case_study": case_study,
            "what_tried_html": render_markdown(case_study.what_tried),
            "what_worked_html": render_markdown(case_study.what_worked),
            "what_didnt_html": render_markdown(case_study.what_didnt),
            "can_edit": manager
            and case_study.status not in (CaseStudyStatus.DECLINED, CaseStudyStatus.WITHDRAWN),
            "can_publish": has_perm(user, CASE_STUDY_PUBLISH, case_study),
            "is_nominator": user.is_authenticated and case_study.created_by_id == user.pk,
            "questions": questions,
            "manager": manager,
            "question_form": QuestionForm(user=user) if user.is_authenticated else None,
            "question_decline_form": QuestionDeclineForm(),
            "replicate_form": ReplicateForm(user=user) if user.is_authenticated else None,
            "follow": follow_of(user, case_study_id=case_study.pk),
        },
    )


@login_required
def case_study_nominate(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = NominationForm(request.POST or None, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        try:
            case_study = workflows.case_study_nominate(
                actor=request.user,
                nomination_note=form.cleaned_data["nomination_note"],
                organisation=form.cleaned_data["organisation"],
                **_content(form),
            )
        except SERVICE_ERRORS as exc:
            apply_service_error(form, exc)
        else:
            messages.success(
                request,
                f"Thank you. {case_study.organisation.name} has been asked to consent; "
                "nothing is published until it does.",
            )
            return redirect(case_study)
    return render(request, "listings/case_study_form.html", {"form": form, "nominating": True})


def _content(form: CaseStudyForm) -> dict[str, Any]:
    data = form.content_kwargs()
    data.pop("organisation", None)
    data.pop("nomination_note", None)
    return data


@login_required
def case_study_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case_study = get_object_or_404(case_studies_visible_to(request.user), pk=pk)
    initial = {
        **{
            f: getattr(case_study, f)
            for f in (
                "title",
                "summary",
                "what_tried",
                "what_worked",
                "what_didnt",
                "costs",
                "video_url",
            )
        },
        "recipe": "\n".join(case_study.recipe),
        "links": "\n".join(case_study.links),
        "tags": ", ".join(t.name for t in case_study.tags.all()),
        "needs": list(case_study.needs.all()),
    }
    form = CaseStudyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            case_study = workflows.case_study_update(
                actor=request.user, case_study=case_study, **_content(form)
            )
        except SERVICE_ERRORS as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, "Case study saved.")
            return redirect(case_study)
    return render(
        request, "listings/case_study_form.html", {"form": form, "case_study": case_study}
    )


STATUS_ACTIONS: dict[str, tuple[Callable[..., CaseStudy], str]] = {
    "publish": (workflows.case_study_publish, "Published. Followers have been told."),
    "decline": (workflows.case_study_decline, "You declined: it will not be published."),
    "withdraw": (workflows.case_study_withdraw, "Nomination withdrawn."),
}


@require_POST
@login_required
def case_study_status(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in STATUS_ACTIONS:
        raise Http404("Unknown action.")
    case_study = get_object_or_404(case_studies_visible_to(request.user), pk=pk)
    service, done = STATUS_ACTIONS[action]
    extra = {"note": request.POST.get("note", "")} if action == "decline" else {}
    run(request, service, done, actor=request.user, case_study=case_study, **extra)
    return redirect(case_study.get_absolute_url())


@require_POST
@login_required
def case_study_replicate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """ "Replicate this": a draft request for your organisation, pre-filled from the recipe."""
    case_study = get_object_or_404(case_studies_visible_to(request.user), pk=pk)
    form = ReplicateForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, "Choose one of your organisations.")
        return redirect(case_study.get_absolute_url())
    listing = run(
        request,
        workflows.case_study_replicate,
        "A draft request was created from the recipe. Adjust it, then publish.",
        actor=request.user,
        case_study=case_study,
        organisation=form.cleaned_data["organisation"],
    )
    if listing is None:
        return redirect(case_study.get_absolute_url())
    return redirect("listing-edit", pk=listing.pk)
