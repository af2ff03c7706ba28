import pytest
from django.core.management import CommandError, call_command

from exchange.demo import seed_exchange
from listings.models import CaseStudy, Interest, PilotRequest, Question, Shortlist

pytestmark = pytest.mark.django_db


def test_seed_demo_workflows_fills_the_exchange_once(capsys):
    seed_exchange()

    call_command("seed_demo_workflows")
    call_command("seed_demo_workflows")

    out = capsys.readouterr().out.splitlines()
    assert out == [
        "Demo workflows: 4 interests, 2 questions, 2 pilots, 2 case studies, 1 shortlists.",
        "Demo workflows: 0 interests, 0 questions, 0 pilots, 0 case studies, 0 shortlists.",
    ]
    assert sorted(PilotRequest.objects.values_list("status", flat=True)) == [
        "completed",
        "requested",
    ]
    assert sorted(CaseStudy.objects.values_list("status", flat=True)) == [
        "published",
        "published",
    ]
    assert (Interest.objects.count(), Question.objects.count(), Shortlist.objects.count()) == (
        4,
        2,
        1,
    )


def test_seed_demo_workflows_without_the_demo_exchange_explains():
    with pytest.raises(CommandError, match=r"Run `manage\.py seed_demo` first"):
        call_command("seed_demo_workflows")
