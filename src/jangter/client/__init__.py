"""Jangter's Python client for bidders: make a signing key, seal a bid, submit it (``jangter bid …``).

Importable by API users::

    from jangter.client import sealing
    key = sealing.load_signing_key(open("firm.pem", "rb").read())
    envelope = sealing.seal(notice_key, notice="R26BK00000001", order=0, firm="1208100005",
                            amount=87_650_000, picks=(3, 11), signing_key=key)
    requests.post(f".../api/v1/notices/{envelope.notice}/bids", json=envelope.as_document(), headers=…)
"""
