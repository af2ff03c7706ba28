"""HTML actions of the match engine. Matches themselves are shown by template tags."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from exchange.exceptions import ValidationError
from exchange.typing import AuthenticatedHttpRequest
from listings.queries import listings_visible_to
from matching import services


@require_POST
@login_required
def match_dismiss(request: AuthenticatedHttpRequest, pk: int, target_pk: int) -> HttpResponse:
    """Owners hide a match as not relevant. Others get 403 (PermissionDenied from the service)."""
    listing = get_object_or_404(listings_visible_to(request.user), pk=pk)
    try:
        services.match_dismiss(actor=request.user, source=listing, target_id=target_pk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Match dismissed: it will not be suggested again.")
    return HttpResponseRedirect(f"{listing.get_absolute_url()}#matches")
