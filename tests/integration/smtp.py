"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives.

``hold_next(n)`` makes the next ``n`` conversations stall at RCPT TO — before any message is
transferred — so a test can kill the sending worker while it is inside the SMTP exchange.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import threading
from dataclasses import dataclass
from email.message import EmailMessage

from aiosmtpd.controller import Controller


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def attachments(self) -> list[tuple[str, str]]:
        return [
            (part.get_filename() or "", part.get_content_type())
            for part in self.message.iter_attachments()
        ]


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.received: list[Received] = []
        self.to_hold = 0
        self.holding = 0
        self.held_total = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            hold = self.to_hold > 0
            if hold:
                self.to_hold -= 1
                self.holding += 1
                self.held_total += 1
        try:
            while hold and self.holding:  # released by release(), or cancelled on disconnect
                await asyncio.sleep(0.05)
        finally:
            if hold:
                with self.lock:
                    self.holding = max(0, self.holding - 1)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.received.append(
                Received(envelope.mail_from, tuple(envelope.rcpt_tos), message)  # type: ignore[arg-type]
            )
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self, port: int) -> None:
        self.port = port
        self.recorder = Recorder()
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=port)

    def start(self) -> SmtpServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.release()
        self.controller.stop()

    @property
    def messages(self) -> list[Received]:
        with self.recorder.lock:
            return list(self.recorder.received)

    def to(self, address: str) -> list[Received]:
        return [m for m in self.messages if address in m.rcpt_tos]

    def hold_next(self, count: int = 1) -> None:
        with self.recorder.lock:
            self.recorder.to_hold = count

    @property
    def held(self) -> int:
        """Conversations stalled so far (a sender is inside the SMTP exchange)."""
        with self.recorder.lock:
            return self.recorder.held_total

    def release(self) -> None:
        with self.recorder.lock:
            self.recorder.to_hold = 0
            self.recorder.holding = 0
