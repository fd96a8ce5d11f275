"""The ``jangter`` command: serve, worker, migrate, demo and operator tasks."""

from __future__ import annotations

import base64
import getpass
import logging
import time
from pathlib import Path
from typing import Annotated

import typer

from jangter.config import Settings, SettingsError, load_settings

app = typer.Typer(
    help="Jangter (장터): open-source national e-procurement.", no_args_is_help=True, add_completion=False
)
admin = typer.Typer(help="Operator tasks.", no_args_is_help=True)
app.add_typer(admin, name="admin")
bid = typer.Typer(help="Bidders: make a firm signing key, seal a bid (nothing is sent).", no_args_is_help=True)
app.add_typer(bid, name="bid")
verify = typer.Typer(help="Check receipts and the public log offline (no database).", no_args_is_help=True)
app.add_typer(verify, name="verify-log")
log_cli = typer.Typer(help="The public log (operators, with database access).", no_args_is_help=True)
app.add_typer(log_cli, name="log")
rules_cli = typer.Typer(help="Rule sets and temporary measures (operators).", no_args_is_help=True)
app.add_typer(rules_cli, name="rules")
search_cli = typer.Typer(help="The notice search index (operators).", no_args_is_help=True)
app.add_typer(search_cli, name="search")
export_cli = typer.Typer(help="Open data: bulk files for re-users.", no_args_is_help=True)
app.add_typer(export_cli, name="export")
guarantor_cli = typer.Typer(
    help="A guarantee institution's side as its own small program (a sandbox, like a payment provider's).",
    no_args_is_help=True,
)
app.add_typer(guarantor_cli, name="guarantor")
import_cli = typer.Typer(
    help="Import open data from other systems into the read-only external processes (operators).",
    no_args_is_help=True,
)
app.add_typer(import_cli, name="import")


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
    notices: Annotated[
        int, typer.Option("--notices", min=0, help="Also generate this many notices for search at scale")
    ] = 0,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the generated notices")] = 2026,
) -> None:
    """Load demo agencies, firms, people and notices in every state (with a progress bar); with ``--notices N``,
    add N generated notices (Korean and English titles) for search at scale, and index them."""
    import time

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from jangter.app import build_context
    from jangter.demo import load_demo
    from jangter.demo_corpus import generate

    settings = _settings()
    ctx = build_context(settings)
    try:
        loaded = load_demo(ctx, force=force, key_dir=settings.var_dir / "demo-keys")
        typer.echo("demo data loaded" if loaded else "the database already has data; demo not loaded (--force)")
        if notices:
            started = time.monotonic()
            with Progress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn()
            ) as progress:
                tasks = {
                    "notices": progress.add_task("공고 생성 / notices", total=notices),
                    "index": progress.add_task("검색 색인 / search index", total=None),
                }

                def advance(stage: str, done: int, total: int) -> None:
                    progress.update(tasks[stage], completed=done, total=total)

                indexed = generate(ctx, notices, seed=seed, progress=advance)
            typer.echo(f"{notices} notices generated; {indexed} indexed in {time.monotonic() - started:.0f} s")
    finally:
        ctx.db.dispose()


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


@rules_cli.command("list")
def rules_list() -> None:
    """Every rule set and temporary measure known, with its dates, and the files operators loaded."""
    from jangter.app import build_context
    from jangter.rules.store import loaded_files

    ctx = build_context(_settings())
    try:
        for r in ctx.rules.all():
            typer.echo(f"rule set  {r.version:<32} {r.track.value:<9} from {r.effective_from}  {r.title_en}")
        for m in ctx.rules.measures():
            tracks = ",".join(sorted(t.value for t in m.tracks))
            typer.echo(f"measure   {m.version:<32} {tracks:<9} {m.effective_from} to {m.effective_until}  {m.title_en}")
        for f in loaded_files(ctx):
            typer.echo(f"loaded    {f.version:<32} {f.filename} by {f.loaded_by} at {f.loaded_at:%Y-%m-%d %H:%M} UTC")
    finally:
        ctx.db.dispose()


def _rule_file(file: Path, *, store: bool) -> None:
    from jangter.app import build_context
    from jangter.kernel.errors import DomainError
    from jangter.rules import store as rule_store

    ctx = build_context(_settings())
    try:
        text = file.read_text(encoding="utf-8")
        if store:
            loaded = rule_store.load(ctx, getpass.getuser(), file.name, text)
            typer.echo(f"loaded {loaded.kind} {loaded.version} (sha256 {loaded.sha256})")
            typer.echo("every process uses it within a worker pass; notices keep the version they were published under")
        else:
            book = rule_store.check(ctx, file.name, text)
            [version] = rule_store.new_versions(ctx.rules, book)
            typer.echo(f"OK: {file.name} adds {version}; nothing was stored (use `jangter rules load`)")
    except DomainError as exc:
        typer.echo(f"{exc.code}: {exc.message_en}", err=True)
        raise typer.Exit(1) from None
    finally:
        ctx.db.dispose()


@rules_cli.command("check")
def rules_check(file: Path) -> None:
    """Validate a rule-set or measure file against every rule set known, without loading it."""
    _rule_file(file, store=False)


@rules_cli.command("load")
def rules_load(file: Path) -> None:
    """Validate and load a rule-set or measure file: it is audited, logged publicly and used from its date."""
    _rule_file(file, store=True)


@bid.command("keygen")
def bid_keygen(out: Annotated[Path, typer.Option(help="Where to write the private key (PKCS#8 PEM)")]) -> None:
    """Make a firm signing key. Keep the file safe; the company administrator registers the public key."""
    from jangter.client import sealing

    if out.exists():
        typer.echo(f"{out} exists; not overwriting it", err=True)
        raise typer.Exit(1)
    pem, key = sealing.generate_signing_key()
    out.write_bytes(pem)
    out.chmod(0o600)
    typer.echo(f"private key: {out}")
    typer.echo(f"public key (register it): {sealing.public_key_b64(key)}")
    typer.echo(f"key id: {sealing.key_id(sealing.public_raw(key))}")


@bid.command("seal")
def bid_seal(
    notice: Annotated[str, typer.Option(help="Notice number, e.g. R26BK00000007")],
    firm: Annotated[str, typer.Option(help="Your business registration number")],
    amount: Annotated[int, typer.Option(help="The bid in whole won")],
    picks: Annotated[str, typer.Option(help="Two preliminary-price slots, e.g. 3,11")],
    key: Annotated[Path, typer.Option(help="The firm signing key (PKCS#8 PEM)")],
    server: Annotated[str, typer.Option(help="Where to fetch the notice's opening key")] = "http://127.0.0.1:8000",
    notice_file: Annotated[Path | None, typer.Option(help="Use a saved notice JSON instead of the server")] = None,
    suite: Annotated[str, typer.Option(help="p256 (default) or pq (post-quantum hybrid)")] = "p256",
    document: Annotated[list[Path] | None, typer.Option(help="A file to seal with the bid (repeatable)")] = None,
) -> None:
    """Seal a bid on this computer and print the envelope (POST it to /api/v1/notices/{number}/bids)."""
    import json
    import urllib.request

    from jangter.bidding.domain.content import Document
    from jangter.bidding.domain.envelope import SuiteId
    from jangter.client import sealing
    from jangter.kernel.errors import DomainError

    if notice_file is not None:
        notice_json = json.loads(notice_file.read_text())
    else:
        url = f"{server.rstrip('/')}/api/v1/notices/{notice}"
        if not url.startswith(("http://", "https://")):
            raise typer.BadParameter("--server must be an http:// or https:// address")
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - scheme checked above
            notice_json = json.load(response)
    try:
        envelope = sealing.seal(
            sealing.NoticeKey.from_api(notice_json),
            firm="".join(c for c in firm if c.isdigit()),
            amount=amount,
            picks=[int(p) for p in picks.split(",")],
            signing_key=sealing.load_signing_key(key.read_bytes()),
            suite=SuiteId(suite),
            documents=[Document(p.name, p.read_bytes()) for p in document or []],
        )
    except DomainError as exc:
        typer.echo(f"{exc.code}: {exc.message_en}", err=True)
        raise typer.Exit(1) from None
    typer.echo(json.dumps(envelope.as_document()))


def _public_key(key: str | None, document: dict[str, object]) -> bytes:
    if key:
        return bytes.fromhex(key)
    typer.echo("warning: no --key given; trusting the key inside the file", err=True)
    return bytes.fromhex(str(document.get("public_key", "")))


def _finish(report: object) -> None:
    from jangter.transparency.verifier import Report

    assert isinstance(report, Report)
    typer.echo(report.summary())
    raise typer.Exit(0 if report.ok else 1)


@verify.command("receipt")
def verify_receipt(
    file: Path, key: Annotated[str | None, typer.Option(help="Platform public key, hex")] = None
) -> None:
    """Check a receipt: the platform's signature, and its inclusion in a signed tree head."""
    import json

    from jangter.transparency.verifier import verify_receipt as check

    document = json.loads(file.read_text())
    _finish(check(document, _public_key(key, document)))


@verify.command("export")
def verify_export(file: Path, key: Annotated[str | None, typer.Option(help="Platform public key, hex")] = None) -> None:
    """Recompute a log export, check every tree head, and compare the records with the log."""
    import json

    from jangter.transparency.verifier import verify_export as check

    document = json.loads(file.read_text())
    _finish(check(document, _public_key(key, document)))


@verify.command("consistency")
def verify_consistency(
    old: Path, new: Path, proof: Path, key: Annotated[str, typer.Option(help="Platform public key, hex")]
) -> None:
    """Check that the tree head in NEW extends the one in OLD (PROOF: from /api/v1/log/proof/consistency)."""
    import json

    from jangter.transparency.verifier import verify_consistency as check

    proof_document = json.loads(proof.read_text())
    hashes = proof_document["proof"] if isinstance(proof_document, dict) else proof_document
    _finish(check(json.loads(old.read_text()), json.loads(new.read_text()), hashes, bytes.fromhex(key)))


@verify.command("draw")
def verify_draw(
    file: Path,
    notice: str,
    round: Annotated[int | None, typer.Option(help="The round (default: the latest opened)")] = None,
) -> None:
    """Recompute a notice's opening (commitment, seeds, reserve price, floor, ranking) from a log export alone.

    Check the export itself first with ``jangter verify-log export``."""
    import json

    from jangter.evaluation.domain.draw_check import NotRecomputable, recompute, round_events, technical_event
    from jangter.rules.loader import load_rule_book

    entries = json.loads(file.read_text())["entries"]
    bodies = [json.loads(e["body"]) for e in entries]
    events = [(b["event"], b) for b in bodies if b.get("subject") == notice]
    try:
        published, opened = round_events(events, round)
    except NotRecomputable as exc:
        typer.echo(f"cannot recompute: {exc}", err=True)
        raise typer.Exit(2) from None
    rules = load_rule_book().version(opened["terms"]["rule_set_version"])
    check = recompute(notice, published, opened, rules, technical_event(events, opened["round"]))
    for step in check.steps:
        mark = "ok " if step.ok else "BAD"
        typer.echo(f"{mark} {step.title_en}: published {step.published} · recomputed {step.recomputed}")
    if not check.ok:
        raise typer.Exit(1)
    typer.echo(f"OK: round {check.round} of {notice} recomputes to what was published ({check.rule_set_version})")


@log_cli.command("export")
def log_export(out: Annotated[Path | None, typer.Option(help="File to write (default: stdout)")] = None) -> None:
    """Export the log and the records it vouches for (read from the database)."""
    import json

    from jangter.app import build_context
    from jangter.transparency.export import export

    ctx = build_context(_settings())
    try:
        text = json.dumps(export(ctx), ensure_ascii=False)
    finally:
        ctx.db.dispose()
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text)
        typer.echo(f"wrote {out}")


@search_cli.command("reindex")
def search_reindex() -> None:
    """Rebuild the search index from the notices, with a progress bar."""
    import time

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from jangter.app import build_context
    from jangter.search import index

    ctx = build_context(_settings())
    started = time.monotonic()
    try:
        with Progress(
            TextColumn("검색 색인 / search index"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn()
        ) as progress:
            task = progress.add_task("reindex", total=None)

            def advance(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            count = index.reindex(ctx, advance)
    finally:
        ctx.db.dispose()
    typer.echo(f"indexed {count} notice(s) in {time.monotonic() - started:.1f} s")


@export_cli.command("ocds")
def export_ocds(
    out: Annotated[Path, typer.Option(help="Directory to write the files into")] = Path("var/ocds"),
    day: Annotated[
        str | None, typer.Option(help="Only this Seoul day (YYYY-MM-DD): its releases and the processes it changed")
    ] = None,
) -> None:
    """OCDS bulk files: one release package per day (Asia/Seoul) and a record package, with a progress bar."""
    from datetime import date

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from jangter.app import build_context
    from jangter.opendata.ocds.export import export

    try:
        only = date.fromisoformat(day) if day else None
    except ValueError:
        typer.echo(f"--day must be a date (YYYY-MM-DD), got {day!r}", err=True)
        raise typer.Exit(2) from None
    ctx = build_context(_settings())
    started = time.monotonic()
    try:
        with Progress(
            TextColumn("OCDS 공개 / OCDS export"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn()
        ) as progress:
            task = progress.add_task("ocds", total=None)

            def advance(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            report = export(ctx, out, day=only, progress=advance)
    finally:
        ctx.db.dispose()
    typer.echo(
        f"wrote {len(report.files)} file(s) to {out}: {report.releases} release(s) of {report.processes} "
        f"process(es) in {time.monotonic() - started:.1f} s"
    )


@guarantor_cli.command("key")
def guarantor_key(
    out: Annotated[Path, typer.Option(help="Where to write the institution's private key (PEM)")],
) -> None:
    """Make the institution's signing key; the operator registers its public key in Jangter."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from jangter.guarantor.app import key_id, public_raw

    if out.exists():
        typer.echo(f"{out} exists; not overwriting it", err=True)
        raise typer.Exit(1)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    out.write_bytes(pem)
    out.chmod(0o600)
    typer.echo(f"private key: {out}")
    typer.echo(f"public key (register it in Jangter): {base64.b64encode(public_raw(key)).decode()}")
    typer.echo(f"key id: {key_id(public_raw(key))}")


@guarantor_cli.command("serve")
def guarantor_serve(
    key_file: Annotated[Path, typer.Option(help="The institution's private key (from 'jangter guarantor key')")],
    jangter_url: Annotated[str, typer.Option(help="Jangter's base URL")] = "http://127.0.0.1:8000",
    database_url: Annotated[str, typer.Option(help="The institution's own database")] = "sqlite:///var/guarantor.db",
    port: Annotated[int, typer.Option(help="Port")] = 8100,
    host: Annotated[str, typer.Option(help="Interface")] = "127.0.0.1",
    jangter_key: Annotated[
        str | None, typer.Option(help="Jangter's platform public key, hex (default: read from Jangter)")
    ] = None,
    clerk_password: Annotated[
        str | None,
        typer.Option(envvar="GUARANTOR_CLERK_PASSWORD", help="The clerk page's password (default: made up, shown)"),
    ] = None,
) -> None:
    """Serve the institution: Jangter's requests at /requests, the clerk's page at /, issued guarantees sent on."""
    import uvicorn
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from jangter.guarantor.app import GuarantorConfig, create_guarantor_app

    key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        typer.echo(f"{key_file} is not an Ed25519 private key", err=True)
        raise typer.Exit(2)
    if database_url.startswith("sqlite:///"):
        Path(database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    if clerk_password is None:
        import secrets

        clerk_password = secrets.token_urlsafe(12)
        typer.echo(f"clerk page password (any user name): {clerk_password}")
    config = GuarantorConfig(
        database_url=database_url,
        jangter_url=jangter_url.rstrip("/"),
        key=key,
        clerk_password=clerk_password,
        jangter_public_key=bytes.fromhex(jangter_key) if jangter_key else None,
    )
    typer.echo(f"guarantor on http://{host}:{port} (Jangter at {config.jangter_url})")
    uvicorn.run(create_guarantor_app(config), host=host, port=port, log_level="info")


def _safe_url(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


def main() -> None:
    app()


@import_cli.command("ocds")
def import_ocds(
    file: Annotated[Path, typer.Argument(help="A release package, record package, release or record (JSON)")],
    source: Annotated[
        str | None, typer.Option(help="Name of the source (default: the package's publisher, else the ocid prefix)")
    ] = None,
    country: Annotated[str | None, typer.Option(help="ISO 3166 country code of the source, e.g. UA")] = None,
    json_report: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
) -> None:
    """Import an OCDS file from another system: what is kept, what is dropped and what could not be mapped is
    reported and stored on the batch. Importing the same file again does nothing."""
    import json

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from jangter.app import build_context
    from jangter.kernel.errors import DomainError
    from jangter.opendata.imports import service

    ctx = build_context(_settings())
    try:
        data = file.read_bytes()
        with Progress(
            TextColumn("OCDS 가져오기 / import"), BarColumn(), MofNCompleteColumn(), disable=json_report
        ) as progress:
            task = progress.add_task("import", total=None)

            def advance(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            result = service.import_ocds(
                ctx, data, file.name, by=getpass.getuser(), source=source, country=country, progress=advance
            )
    except OSError as exc:
        typer.echo(f"cannot read {file}: {exc.strerror}", err=True)
        raise typer.Exit(2) from None
    except DomainError as exc:
        typer.echo(f"{exc.code}: {exc.message_en}", err=True)
        raise typer.Exit(1) from None
    finally:
        ctx.db.dispose()
    if result.already_imported:
        typer.echo(f"already imported as batch {result.batch_id} (same SHA-256); nothing was done")
    if json_report:
        typer.echo(json.dumps(result.report, ensure_ascii=False, indent=2))
    else:
        for line in service.iter_issue_lines(result.report):
            typer.echo(line)


@import_cli.command("export")
def import_export(
    batch: Annotated[int, typer.Argument(help="The batch number (from `jangter import batches`)")],
    out: Annotated[Path | None, typer.Option(help="File to write (default: stdout)")] = None,
) -> None:
    """Write back what a batch kept, in its file's shape (the round trip of the import)."""
    import json

    from jangter.app import build_context
    from jangter.kernel.errors import DomainError
    from jangter.opendata.imports import service

    ctx = build_context(_settings())
    try:
        document = service.export_batch(ctx, batch)
    except DomainError as exc:
        typer.echo(f"{exc.code}: {exc.message_en}", err=True)
        raise typer.Exit(1) from None
    finally:
        ctx.db.dispose()
    text = json.dumps(document, ensure_ascii=False)
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {out}")


@import_cli.command("batches")
def import_batches() -> None:
    """The latest imported files, newest first, with their counts."""
    from jangter.app import build_context
    from jangter.opendata.imports import service

    ctx = build_context(_settings())
    try:
        for b in service.batches(ctx):
            typer.echo(
                f"{b.id:>5} {b.imported_at:%Y-%m-%d %H:%M} UTC  {b.package_type:<15} kept {b.kept:>6} "
                f"dropped {b.dropped:>5}  {b.source} ({b.country or '-'})  {b.file_name}"
            )
    finally:
        ctx.db.dispose()
