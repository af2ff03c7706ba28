"""Named enum fields of the council-workflow resources.

Several resources have a ``status``, a ``reason`` or an ``outcome`` with different choices;
naming each enum component keeps them apart in the OpenAPI document (spectacular would name
them by hash, with a warning), as ``api.serializers.common`` does for the two ``kind`` enums.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from listings.workflow_enums import (
    CaseStudyOrigin,
    CaseStudyStatus,
    CoOwnerStatus,
    DeclineReason,
    PilotOutcome,
    PilotStatus,
    QuestionDeclineReason,
    QuestionStatus,
    ResponseStatus,
    ShortlistAction,
    ShortlistStatus,
)


class EnumChoiceField(serializers.ChoiceField):
    """A ChoiceField over fixed ``enum_pairs`` (set by ``_enum_field``)."""

    enum_pairs: ClassVar[list[tuple[str, str]]] = []
    blank: ClassVar[bool] = False

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("allow_blank", self.blank)
        super().__init__(choices=self.enum_pairs, **kwargs)


def _enum_field(
    choices: type[models.TextChoices],
    name: str,
    *,
    blank: bool = False,
    exclude: tuple[str, ...] = (),
) -> type[EnumChoiceField]:
    """A field whose schema is the named component ``name`` ("" included if blank)."""
    pairs = [(str(v), str(label)) for v, label in choices.choices if v not in exclude]
    values: list[str] = [v for v, _ in pairs] + ([""] if blank else [])
    lines = [f"* `{value}` - {label}" for value, label in pairs]
    if blank:
        lines.append("* `` - not set")
    schema = {"type": "string", "enum": values, "description": "\n".join(lines)}
    field = type(f"{name}Field", (EnumChoiceField,), {"enum_pairs": pairs, "blank": blank})
    return extend_schema_field(schema, component_name=name)(field)  # type: ignore[no-any-return]


CoOwnerStatusField = _enum_field(CoOwnerStatus, "CoOwnerStatusEnum")
ResponseStatusField = _enum_field(ResponseStatus, "ResponseStatusEnum")
DeclineReasonField = _enum_field(DeclineReason, "DeclineReasonEnum")
DeclineReasonOrBlankField = _enum_field(DeclineReason, "DeclineReasonOrBlankEnum", blank=True)
QuestionStatusField = _enum_field(QuestionStatus, "QuestionStatusEnum")
QuestionDeclineReasonField = _enum_field(QuestionDeclineReason, "QuestionDeclineReasonEnum")
QuestionDeclineReasonOrBlankField = _enum_field(
    QuestionDeclineReason, "QuestionDeclineReasonOrBlankEnum", blank=True
)
ShortlistStatusField = _enum_field(ShortlistStatus, "ShortlistStatusEnum")
ShortlistOutcomeField = _enum_field(
    ShortlistStatus, "ShortlistOutcomeEnum", exclude=(ShortlistStatus.OPEN,)
)
ShortlistActionField = _enum_field(ShortlistAction, "ShortlistActionEnum")
PilotStatusField = _enum_field(PilotStatus, "PilotStatusEnum")
PilotStatusOrBlankField = _enum_field(PilotStatus, "PilotStatusOrBlankEnum", blank=True)
PilotOutcomeField = _enum_field(PilotOutcome, "PilotOutcomeEnum")
PilotOutcomeOrBlankField = _enum_field(PilotOutcome, "PilotOutcomeOrBlankEnum", blank=True)
CaseStudyOriginField = _enum_field(CaseStudyOrigin, "CaseStudyOriginEnum")
CaseStudyStatusField = _enum_field(CaseStudyStatus, "CaseStudyStatusEnum")
