"""Queue background work from services without importing task modules.

Tasks import services (they are the outer layer); services only name the task they want run
after commit, and the module is imported by name when the transaction commits, so imports
stay one-way.
"""

from __future__ import annotations

import importlib
from typing import Any

from django.db import transaction


def resolve_task(task_name: str) -> Any:
    """``"exchange.tasks.send_x"`` → the Celery task object."""
    module_name, _, attribute = task_name.rpartition(".")
    return getattr(importlib.import_module(module_name), attribute)


def enqueue_after_commit(task_name: str, *args: Any, **kwargs: Any) -> None:
    """Run ``task_name`` with these arguments once the current transaction commits."""
    task = resolve_task(task_name)  # fail now, inside the transaction, if the name is wrong
    transaction.on_commit(lambda: task.apply_async(args=args, kwargs=kwargs))
