from django.core.management.base import BaseCommand, CommandError

from exchange.models import Organisation
from listings.demo import seed_workflows


class Command(BaseCommand):
    help = "Add demo interests, Q&A, a shortlist, pilots and case studies (after seed_demo)."

    def handle(self, *args: object, **options: object) -> None:
        if not Organisation.objects.filter(name="Northshire County Council").exists():
            raise CommandError("Run `manage.py seed_demo` first: the workflows need its data.")
        report = seed_workflows()
        self.stdout.write(f"Demo workflows: {report}.")
