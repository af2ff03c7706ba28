"""Queue background work from services without importing task modules.

Tasks import services (they are the outer layer); services only name the task they want run
after commit. The Celery registry resolves the name, so imports stay one-way.
"""

from __future__ import annotations

from typing import Any

from celery import current_app
from django.db import transaction


def enqueue_after_commit(task_name: str, *args: Any, **kwargs: Any) -> None:
    """Run ``task_name`` with these arguments once the current transaction commits."""

    def send() -> None:
        current_app.tasks[task_name].apply_async(args=args, kwargs=kwargs)

    transaction.on_commit(send)
