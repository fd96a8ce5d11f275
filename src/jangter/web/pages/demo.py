"""The demo clock: in a demo (``JANGTER_DEMO_CLOCK=1``) anyone may move the platform clock forward, so a
newcomer can walk from publication through the deadline to the opening in minutes. Never in production."""

from __future__ import annotations

import contextlib
from datetime import timedelta
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from jangter.kernel.clock import OffsetClock
from jangter.kernel.errors import DomainError
from jangter.web.http import Ctx, Form, check_csrf, get_settings
from jangter.web.pages.forms import FormReader, safe_next

router = APIRouter(include_in_schema=False)

OFFSET_FILE = "demo-clock-offset"


def load_offset(clock: OffsetClock, path: Path) -> None:
    with contextlib.suppress(FileNotFoundError, ValueError):
        clock.set_offset(timedelta(microseconds=int(path.read_text().strip())))


def save_offset(clock: OffsetClock, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(str(clock.offset() // timedelta(microseconds=1)))


@router.post("/demo/clock")
def move_clock(request: Request, ctx: Ctx, form: Form) -> RedirectResponse:
    clock = ctx.clock
    if not get_settings(request).demo_clock or not isinstance(clock, OffsetClock):
        raise DomainError("demo_clock_off", "데모 시계가 꺼져 있습니다.", "The demo clock is off.", status=404)
    reader = FormReader(form)
    check_csrf(request, reader.text("csrf"))
    if reader.text("reset"):
        clock.set_offset(timedelta(0))
    else:
        target = reader.seoul_datetime("to")
        reader.raise_if_problems()
        if target < clock.now() - timedelta(minutes=1):
            raise DomainError(
                "demo_clock_backwards",
                "데모 시계는 앞으로만 돌릴 수 있습니다.",
                "The demo clock only moves forward.",
                field="to",
            )
        clock.set(target)
    save_offset(clock, get_settings(request).var_dir / OFFSET_FILE)
    return RedirectResponse(safe_next(reader.text("next"), "/notices"), status_code=303)
