"""A local SMTP server for the tests that send real e-mail (``aiosmtpd``), and a fixture that starts it."""

from __future__ import annotations

import contextlib
import email
import socket
from collections.abc import Iterator
from email.header import decode_header, make_header
from typing import Any

import pytest
from aiosmtpd.controller import Controller


class Sink:
    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Sink, Controller]]:
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield sink, controller
    with contextlib.suppress(AssertionError):  # a test may have stopped it already (the server is down)
        controller.stop()


def subject(message: email.message.Message) -> str:
    return str(make_header(decode_header(message["Subject"])))
