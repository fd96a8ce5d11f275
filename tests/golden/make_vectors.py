"""Regenerate the golden sealed-bid vectors (AT-09): ``python -m tests.golden.make_vectors``.

Each client seals known bids to the opening key derived from a fixed master secret, for notice R26BK00000001,
order 000, and the business numbers that ``tests.support.make_world`` gives its firms. The Python client is the
project's own module; the browser client is ``seal.js`` running in Debian's Chromium. The test
``tests/e2e/test_golden_vectors.py`` feeds every vector through the real intake and the real opening.
Regenerate only when the envelope format changes on purpose (a new version), never to make a test pass.
"""

from __future__ import annotations

import http.server
import json
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

from jangter.bidding.domain.content import Document
from jangter.bidding.domain.envelope import SuiteId
from jangter.bidding.domain.opening_key import public_keys
from jangter.client import sealing
from tests.support import brn

HERE = Path(__file__).parent
MASTER = bytes(range(100, 132))
NOTICE, ORDER = "R26BK00000001", 0
SEAL_JS = Path(__file__).parents[2] / "src" / "jangter" / "web" / "static" / "seal.js"


class _Blank(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"<!doctype html><title>golden vectors</title>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def firm(i: int) -> str:
    return brn(f"1208{i:05d}")


def main() -> None:
    keys = public_keys(MASTER)
    notice_key = sealing.NoticeKey(NOTICE, ORDER, keys, keys.fingerprint, True)
    vectors: list[dict[str, object]] = []
    python_bids = [
        (0, SuiteId.P256, 87_650_000, (3, 11), []),
        (
            1,
            SuiteId.PQ,
            88_123_450,
            (1, 15),
            [Document("제안서 요약 (한글).txt", "가나다 abc".encode()), Document("empty.bin", b"")],
        ),
        (2, SuiteId.P256, 90_000_000, (7, 8), [Document(f"part-{n}.bin", bytes([n]) * 65536) for n in range(3)]),
    ]
    for i, suite, amount, picks, documents in python_bids:
        pem, key = sealing.generate_signing_key()
        envelope = sealing.seal(
            notice_key, firm=firm(i), amount=amount, picks=picks, signing_key=key, suite=suite, documents=documents
        )
        vectors.append(
            {
                "client": "python",
                "firm_index": i,
                "signing_key_pem": pem.decode(),
                "envelope": envelope.as_document(),
                "amount": amount,
                "picks": list(picks),
                "documents": [{"name": d.name, "sha256": d.sha256} for d in documents],
            }
        )
    pem, _ = sealing.generate_signing_key()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Blank)
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{port}/")  # WebCrypto needs a secure context: localhost is one
        page.add_script_tag(content=SEAL_JS.read_text())
        envelope = page.evaluate(
            "([notice, pem]) => window.jangterSeal.sealBid(notice, 91234560, [2, 9], pem)",
            [
                {
                    "notice": NOTICE,
                    "order": ORDER,
                    "firm": firm(3),
                    "p256": keys.p256.hex(),
                    "mlkem": keys.pq_mlkem.hex(),
                    "x25519": keys.pq_x25519.hex(),
                    "fingerprint": keys.fingerprint,
                },
                pem.decode(),
            ],
        )
        user_agent = page.evaluate("navigator.userAgent")
        browser.close()
    server.shutdown()
    vectors.append(
        {
            "client": f"browser ({user_agent.split(' ')[-2]})",
            "firm_index": 3,
            "signing_key_pem": pem.decode(),
            "envelope": envelope,
            "amount": 91_234_560,
            "picks": [2, 9],
            "documents": [],
        }
    )
    document = {
        "master": MASTER.hex(),
        "notice": NOTICE,
        "order": ORDER,
        "fingerprint": keys.fingerprint,
        "vectors": vectors,
    }
    (HERE / "sealed-bids-v1.json").write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n")
    print(f"wrote {len(vectors)} vectors; fingerprint {keys.fingerprint}")


if __name__ == "__main__":
    main()
