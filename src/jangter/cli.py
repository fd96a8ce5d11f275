"""The ``jangter`` command: serve, worker, migrate, demo and operator tasks."""

from __future__ import annotations

import getpass
import logging
import time
from typing import Annotated

import typer

from jangter.config import Settings, SettingsError, load_settings

app = typer.Typer(
    help="Jangter (장터): open-source national e-procurement.", no_args_is_help=True, add_completion=False
)
admin = typer.Typer(help="Operator tasks.", no_args_is_help=True)
app.add_typer(admin, name="admin")


def _settings() -> Settings:
    try:
        settings = load_settings()
    except SettingsError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s")
    return settings


@app.command()
def migrate() -> None:
    """Create or upgrade the database schema to the latest version."""
    from jangter.migrations import upgrade

    settings = _settings()
    upgrade(settings.database_url)
    typer.echo(f"database is up to date: {_safe_url(settings.database_url)}")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="Port")] = None,
    workers: Annotated[int, typer.Option(help="Web processes (PostgreSQL only for more than one)")] = 1,
) -> None:
    """Serve the web pages and the API (with the due-event worker inside, unless disabled)."""
    import uvicorn

    settings = _settings()
    if workers > 1 and settings.database_url.startswith("sqlite"):
        typer.echo("several web processes need PostgreSQL (JANGTER_DATABASE_URL)", err=True)
        raise typer.Exit(2)
    typer.echo(
        f"Jangter on http://{host or settings.host}:{port or settings.port}  "
        f"(database {_safe_url(settings.database_url)})"
    )
    uvicorn.run(
        "jangter.cli:asgi_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        log_level=settings.log_level,
        access_log=False,
        proxy_headers=True,
    )


def asgi_app() -> object:
    """The application factory uvicorn calls in each web process."""
    from jangter.app import create_app

    return create_app(_settings())


@app.command()
def worker() -> None:
    """Run the due-event worker alone (closing notices at their deadline)."""
    from jangter.app import build_context
    from jangter.worker import run_due_events_once

    settings = _settings()
    ctx = build_context(settings)
    typer.echo("worker running; Ctrl-C to stop")
    try:
        while True:
            run_due_events_once(ctx)
            time.sleep(settings.worker_interval_seconds)
    except KeyboardInterrupt:
        pass
    finally:
        ctx.db.dispose()


@app.command()
def demo(
    force: Annotated[bool, typer.Option("--force", help="Load even if the database already has data")] = False,
) -> None:
    """Load demo agencies, firms, people and notices in every state (with a progress bar)."""
    from jangter.app import build_context
    from jangter.demo import load_demo

    settings = _settings()
    ctx = build_context(settings)
    try:
        loaded = load_demo(ctx, force=force)
    finally:
        ctx.db.dispose()
    typer.echo("demo data loaded" if loaded else "the database already has data; demo not loaded (--force)")


@admin.command("create-operator")
def create_operator(
    email: Annotated[str, typer.Option(prompt=True)],
    name: Annotated[str, typer.Option(prompt=True)],
) -> None:
    """Create the operator organisation (if needed) and an operator account."""
    from jangter.app import build_context
    from jangter.identity.domain.roles import Role
    from jangter.identity.service import NewPerson, bootstrap_operator
    from jangter.kernel.errors import DomainError

    settings = _settings()
    password = getpass.getpass("password: ")
    ctx = build_context(settings)
    try:
        bootstrap_operator(ctx, "조달청", NewPerson(email, name, password, frozenset({Role.OPERATOR})))
    except DomainError as exc:
        typer.echo(f"{exc.code}: {exc.message_en}", err=True)
        raise typer.Exit(1) from None
    finally:
        ctx.db.dispose()
    typer.echo(f"operator {email} created")


def _safe_url(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


def main() -> None:
    app()
