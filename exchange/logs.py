"""Logging that operators can parse and that never writes a secret in full.

``RedactSecrets`` is a filter on every handler (settings.LOGGING, gunicorn.conf.py): it
formats the record's message (and traceback) once and cuts every secret in it to a short
prefix, enough to tell two tokens apart and useless to an attacker. Secrets it knows:

- ``Authorization`` header values (``Token …``, ``Bearer …``, ``Basic …``), as a header line,
  a ``META`` key or a dict entry;
- personal API tokens (``oix_…``) wherever they appear;
- secret query parameters: ``?token=`` (calendar feeds) and ``key``, ``secret``,
  ``signature``, ``password``, ``code``;
- secret links: invitation, unsubscribe and waitlist-offer tokens, ticket codes, personal
  calendar feed tokens (``/calendar/<token>.ics``), and any long mixed-case path segment
  (signed or random tokens; slugs are lower case).

``JsonFormatter`` writes one JSON object per line for log collectors.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

KEEP = 4  # characters of a secret kept in logs, to correlate without revealing
MARK = "…"

_API_TOKEN = re.compile(r"\boix_([A-Za-z0-9_\-]{%d})[A-Za-z0-9_\-]+" % KEEP)  # noqa: UP031
_AUTHORIZATION = re.compile(
    r"(?i)(\b(?:http_)?authorization\b['\"]?\s*[:=]\s*['\"]?)"
    r"((?:token|bearer|basic|digest)\s+)?([^\s'\",;}]+)"
)
_SECRET_PARAM = re.compile(
    r"(?i)([?&;](?:token|access_token|api_key|apikey|key|secret|signature|sig|password|code)=)"
    r"([^&\s'\"#]+)"
)
_SECRET_ROUTE = re.compile(
    r"(/(?:invitations|saved-searches/unsubscribe|waitlist/offers|tickets|calendar)/)"
    r"([^/\s?#'\".]+)"  # a dot ends it: /calendar/<token>.ics keeps its extension
)
_LONG_SEGMENT = re.compile(r"(?<=/)([A-Za-z0-9_\-:]{24,})(?=[/?#.\s'\"]|$)")


def _cut(value: str) -> str:
    if value.endswith(MARK) or len(value) <= KEEP:
        return value
    return value[:KEEP] + MARK


def _cut_segment(match: re.Match[str]) -> str:
    segment = match.group(1)
    mixed_case = any(c.isupper() for c in segment) and any(c.islower() for c in segment)
    return _cut(segment) if mixed_case else segment


def redact(text: str) -> str:
    """``text`` with every secret it recognises cut to its first few characters."""
    text = _API_TOKEN.sub(lambda m: f"oix_{m.group(1)}{MARK}", text)
    text = _AUTHORIZATION.sub(lambda m: m.group(1) + (m.group(2) or "") + _cut(m.group(3)), text)
    text = _SECRET_PARAM.sub(lambda m: m.group(1) + _cut(m.group(2)), text)
    text = _SECRET_ROUTE.sub(lambda m: m.group(1) + _cut(m.group(2)), text)
    return _LONG_SEGMENT.sub(_cut_segment, text)


class RedactSecrets(logging.Filter):
    """Format the message once, redact it, and freeze it (args are dropped)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a bad format string: keep what we have, redacted
            message = f"{record.msg} {record.args!r}"
        record.msg, record.args = redact(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "request"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, extras, traceback."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "method"):
            payload["method"] = request.method
            payload["path"] = redact(getattr(request, "get_full_path", lambda: "")())
        for key, value in record.__dict__.items():
            if key in _STANDARD or key.startswith("_"):
                continue
            if isinstance(value, str):
                payload[key] = redact(value)
            elif isinstance(value, bool | int | float) or value is None:
                payload[key] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            payload["exc_info"] = redact(record.exc_text)
        if record.stack_info:
            payload["stack_info"] = redact(record.stack_info)
        return json.dumps(payload, ensure_ascii=False, default=str)
