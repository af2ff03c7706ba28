"""A local stand-in for the parts of the Stripe API we call, and offline webhook signing.

The real ``stripe`` library talks to this server over HTTP on 127.0.0.1 (``stripe.api_base``
points at it), so requests are encoded, authenticated and idempotency-keyed exactly as in
production. Nothing leaves the machine.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl


def _nest(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Stripe's form encoding (``a[b][0][c]=1``) → nested dicts (lists stay index-keyed)."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        parts = key.replace("]", "").split("[")
        node = out
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return out


@dataclass
class StubStripe:
    """State of the fake Stripe: recorded requests, created objects, scripted failures."""

    requests: list[dict[str, Any]] = field(default_factory=list)
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)
    idempotent: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)
    refund_status: str = "pending"
    fail_refunds: bool = False
    url: str = ""

    def handle(self, method: str, path: str, headers: dict[str, str], body: str):
        params = _nest(parse_qsl(body, keep_blank_values=True))
        self.requests.append({"method": method, "path": path, "headers": headers, "params": params})
        key = headers.get("Idempotency-Key")
        if key and key in self.idempotent:
            return self.idempotent[key]
        status, payload = self._route(method, path, params)
        if key:
            self.idempotent[key] = (status, payload)
        return status, payload

    def _route(self, method: str, path: str, params: dict[str, Any]):
        if method == "POST" and path == "/v1/checkout/sessions":
            n = len(self.sessions) + 1
            item = params["line_items"]["0"]
            amount = int(item["price_data"]["unit_amount"]) * int(item["quantity"])
            session = {
                "id": f"cs_test_{n}",
                "object": "checkout.session",
                "url": f"https://checkout.stripe.test/c/pay/cs_test_{n}",
                "status": "open",
                "payment_status": "unpaid",
                "payment_intent": None,
                "amount_total": amount,
                "currency": "gbp",
                "expires_at": int(params["expires_at"]),
                "client_reference_id": params.get("client_reference_id"),
                "metadata": params.get("metadata", {}),
            }
            self.sessions[session["id"]] = session
            return 200, session
        if (
            method == "POST"
            and path.startswith("/v1/checkout/sessions/")
            and path.endswith("/expire")
        ):
            session = self.sessions.get(path.split("/")[4])
            if session is None or session["status"] != "open":
                return 400, _error("Only open sessions can be expired.")
            session["status"] = "expired"
            return 200, session
        if method == "POST" and path == "/v1/refunds":
            if self.fail_refunds:
                return 400, _error("This charge has already been refunded.")
            n = len(self.refunds) + 1
            refund = {
                "id": f"re_test_{n}",
                "object": "refund",
                "amount": int(params["amount"]),
                "payment_intent": params["payment_intent"],
                "status": self.refund_status,
                "metadata": params.get("metadata", {}),
            }
            self.refunds[refund["id"]] = refund
            return 200, refund
        return 404, _error(f"Unrecognized request URL ({method}: {path}).")

    def calls(self, path_prefix: str) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["path"].startswith(path_prefix)]


def _error(message: str) -> dict[str, Any]:
    return {"error": {"type": "invalid_request_error", "message": message}}


def serve(stub: StubStripe) -> tuple[ThreadingHTTPServer, threading.Thread]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self._reply("POST")

        def do_GET(self) -> None:
            self._reply("GET")

        def _reply(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            status, payload = stub.handle(method, self.path, dict(self.headers.items()), body)
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Request-Id", "req_stub")
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:  # keep test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    stub.url = f"http://127.0.0.1:{server.server_address[1]}"
    return server, thread


# --- Webhooks ---------------------------------------------------------------------------------


def sign(payload: str, secret: str, timestamp: int | None = None) -> str:
    """The ``Stripe-Signature`` header: HMAC-SHA256 of "{t}.{payload}" with the secret."""
    t = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{t}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def event_payload(event_id: str, event_type: str, obj: dict[str, Any]) -> str:
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "api_version": "2024-06-20",
            "created": int(time.time()),
            "livemode": False,
            "type": event_type,
            "data": {"object": obj},
        }
    )
