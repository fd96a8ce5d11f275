"""Sending one e-mail over SMTP (the outbox in ``notifications`` decides what and when)."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate


@dataclass(frozen=True)
class Mailer:
    host: str
    port: int
    sender: str
    timeout_seconds: float = 10.0

    def send(self, to: str, subject: str, body: str, message_id: str) -> None:
        """Deliver one message; raises ``OSError`` or ``smtplib.SMTPException`` when the server is not there."""
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = message_id  # stable per outbox row: a re-send after a crash is recognisable
        message.set_content(body, charset="utf-8")
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout_seconds) as smtp:
            smtp.send_message(message)
