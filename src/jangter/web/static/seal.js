// Jangter: seal a bid in the browser, so the amount and picks never leave this computer in the clear.
//
// HPKE (RFC 9180) base mode with DHKEM(P-256, HKDF-SHA256), HKDF-SHA256 and AES-128-GCM, all native in WebCrypto,
// then an Ed25519 signature with the firm's signing key (a PKCS#8 PEM file the bidder chooses). The result is an
// envelope of version 1, exactly as jangter/bidding/domain/envelope.py describes it.
"use strict";

(function () {
  const te = new TextEncoder();

  function concat(...parts) {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) { out.set(p, at); at += p.length; }
    return out;
  }
  function i2osp(value, length) {
    const out = new Uint8Array(length);
    for (let i = length - 1; i >= 0; i--) { out[i] = value & 0xff; value = Math.floor(value / 256); }
    return out;
  }
  function hex(bytes) { return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(""); }
  function fromHex(text) {
    const out = new Uint8Array(text.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(text.substr(2 * i, 2), 16);
    return out;
  }
  function base64(bytes) {
    let s = "";
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return btoa(s);
  }
  function fromBase64(text) { return Uint8Array.from(atob(text), (c) => c.charCodeAt(0)); }
  async function sha256(bytes) { return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)); }

  // HMAC pads a short key with zeros, so an empty salt is the same as 32 zero bytes (RFC 5869, RFC 2104).
  async function hmac(key, data) {
    const k = await crypto.subtle.importKey("raw", key.length ? key : new Uint8Array(32),
      { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    return new Uint8Array(await crypto.subtle.sign("HMAC", k, data));
  }
  async function expand(prk, info, length) {
    let block = new Uint8Array(0), out = new Uint8Array(0);
    for (let i = 1; out.length < length; i++) {
      block = await hmac(prk, concat(block, info, new Uint8Array([i])));
      out = concat(out, block);
    }
    return out.slice(0, length);
  }
  const KEM_SUITE = concat(te.encode("KEM"), i2osp(0x0010, 2));
  const HPKE_SUITE = concat(te.encode("HPKE"), i2osp(0x0010, 2), i2osp(0x0001, 2), i2osp(0x0001, 2));
  const V1 = te.encode("HPKE-v1");
  const labeledExtract = (suite, salt, label, ikm) => hmac(salt, concat(V1, suite, te.encode(label), ikm));
  const labeledExpand = (suite, prk, label, info, length) =>
    expand(prk, concat(i2osp(length, 2), V1, suite, te.encode(label), info), length);

  // SealBase(pkR, info, aad = "", pt): returns enc ‖ ciphertext, as cryptography's Suite.encrypt does.
  async function hpkeSeal(recipient, info, plaintext) {
    const pkR = await crypto.subtle.importKey("raw", recipient, { name: "ECDH", namedCurve: "P-256" }, false, []);
    const eph = await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"]);
    const dh = new Uint8Array(await crypto.subtle.deriveBits({ name: "ECDH", public: pkR }, eph.privateKey, 256));
    const enc = new Uint8Array(await crypto.subtle.exportKey("raw", eph.publicKey));
    const eaePrk = await labeledExtract(KEM_SUITE, new Uint8Array(0), "eae_prk", dh);
    const shared = await labeledExpand(KEM_SUITE, eaePrk, "shared_secret", concat(enc, recipient), 32);
    const pskIdHash = await labeledExtract(HPKE_SUITE, new Uint8Array(0), "psk_id_hash", new Uint8Array(0));
    const infoHash = await labeledExtract(HPKE_SUITE, new Uint8Array(0), "info_hash", info);
    const context = concat(new Uint8Array([0]), pskIdHash, infoHash);
    const secret = await labeledExtract(HPKE_SUITE, shared, "secret", new Uint8Array(0));
    const key = await labeledExpand(HPKE_SUITE, secret, "key", context, 16);
    const nonce = await labeledExpand(HPKE_SUITE, secret, "base_nonce", context, 12);
    const aes = await crypto.subtle.importKey("raw", key, "AES-GCM", false, ["encrypt"]);
    const sealed = new Uint8Array(await crypto.subtle.encrypt(
      { name: "AES-GCM", iv: nonce, additionalData: new Uint8Array(0) }, aes, plaintext));
    return concat(enc, sealed);
  }

  async function fingerprint(p256, mlkem, x25519) {
    const parts = [te.encode("jangter-opening-key/1")];
    for (const p of [p256, mlkem, x25519]) parts.push(i2osp(p.length, 4), p);
    return hex(await sha256(concat(...parts)));
  }

  async function loadSigningKey(pemText) {
    const body = pemText.replace(/-----(BEGIN|END) PRIVATE KEY-----/g, "").replace(/\s+/g, "");
    const key = await crypto.subtle.importKey("pkcs8", fromBase64(body), { name: "Ed25519" }, true, ["sign"]);
    const jwk = await crypto.subtle.exportKey("jwk", key);
    const publicRaw = fromBase64(jwk.x.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - jwk.x.length % 4) % 4));
    return { key, keyId: hex(await sha256(publicRaw)).slice(0, 16) };
  }

  // The whole envelope, for a notice described by { notice, order, firm, p256, mlkem, x25519, fingerprint }.
  async function sealBid(notice, amount, picks, pemText) {
    if (await fingerprint(fromHex(notice.p256), fromHex(notice.mlkem), fromHex(notice.x25519)) !== notice.fingerprint) {
      throw new Error("fingerprint");
    }
    const salt = crypto.getRandomValues(new Uint8Array(16));
    const content = te.encode(JSON.stringify({ amount, documents: [], picks, salt: base64(salt), v: 1 }));
    const order = String(notice.order).padStart(3, "0");
    const info = te.encode(`jangter-bid/1|${notice.notice}|${order}|${notice.firm}|p256`);
    const ciphertext = await hpkeSeal(fromHex(notice.p256), info, content);
    const signer = await loadSigningKey(pemText);
    const message = concat(te.encode("jangter-bid-signature/1\n"), te.encode(JSON.stringify({
      ciphertext_sha256: hex(await sha256(ciphertext)), firm: notice.firm, key_id: signer.keyId,
      notice: notice.notice, order: notice.order, suite: "p256", version: 1,
    })));
    const signature = new Uint8Array(await crypto.subtle.sign("Ed25519", signer.key, message));
    return {
      version: 1, suite: "p256", notice: notice.notice, order: notice.order, firm: notice.firm,
      ciphertext: base64(ciphertext), key_id: signer.keyId, signature: base64(signature),
    };
  }
  window.jangterSeal = { sealBid, hpkeSeal, fingerprint };

  // The bid form: check what was typed, seal, and send only the envelope.
  const form = document.getElementById("bid-form");
  if (!form) return;
  const show = (field, message) => {
    const node = document.getElementById(field + "-error");
    node.textContent = message || "";
    node.hidden = !message;
    const input = document.getElementById(field);
    if (input) input.setAttribute("aria-invalid", message ? "true" : "false");
  };
  form.addEventListener("submit", async (event) => {
    if (form.dataset.sealed === "yes") return;
    event.preventDefault();
    const msg = form.dataset;
    const amountText = document.getElementById("amount").value.replace(/[,\s원₩]/g, "");
    const picks = Array.from(form.querySelectorAll("input.pick:checked"), (box) => Number(box.value));
    const file = document.getElementById("keyfile").files[0];
    let ok = true;
    const amount = Number(amountText);
    if (!/^[0-9]+$/.test(amountText) || !Number.isSafeInteger(amount) || amount <= 0) { show("amount", msg.errAmount); ok = false; } else show("amount", "");
    if (picks.length !== 2) { show("picks", msg.errPicks); ok = false; } else show("picks", "");
    if (!file) { show("keyfile", msg.errKey); ok = false; } else show("keyfile", "");
    if (!ok) return;
    const status = document.getElementById("seal-status");
    status.textContent = msg.sealing;
    try {
      const envelope = await sealBid({
        notice: msg.notice, order: Number(msg.order), firm: msg.firm, p256: msg.p256, mlkem: msg.mlkem,
        x25519: msg.x25519, fingerprint: msg.fingerprint,
      }, amount, picks.sort((a, b) => a - b), await file.text());
      form.querySelector("input[name=envelope]").value = JSON.stringify(envelope);
      if (msg.passkeys && window.jangterPasskey) {
        // The bidder signs this very bid: the passkey's challenge is the SHA-256 of the sealed bid.
        status.textContent = msg.signing;
        const pk = window.jangterPasskey;
        let credential;
        try {
          credential = await navigator.credentials.get({ publicKey: {
            challenge: await sha256(fromBase64(envelope.ciphertext)),
            allowCredentials: JSON.parse(msg.passkeys).map((id) => ({ type: "public-key", id: pk.b64urlToBytes(id) })),
            userVerification: "required", timeout: 120000,
          } });
        } catch (error) {
          status.textContent = "";
          show("keyfile", msg.errPasskey + " " + error.message);
          return;
        }
        form.querySelector("input[name=passkey_assertion]").value = JSON.stringify(pk.credentialJSON(credential));
      }
      document.getElementById("amount").value = "";
      form.dataset.sealed = "yes";
      status.textContent = msg.sent;
      form.submit();
    } catch (error) {
      status.textContent = "";
      show("keyfile", error.message === "fingerprint" ? msg.errFingerprint : msg.errSeal + " (" + error.message + ")");
    }
  });
})();
