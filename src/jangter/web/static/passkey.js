// Passkeys (WebAuthn) for Jangter: registration on /account/security and sign-in on /login.
// The server sends the options as JSON (binary fields base64url); we convert, call the browser, and send back
// the credential as JSON. Without JavaScript or WebAuthn the buttons stay hidden and passwords still work.
(function () {
  "use strict";
  if (!window.PublicKeyCredential || !window.fetch) return;

  function b64urlToBytes(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) base64 += "=";
    var raw = atob(base64), bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes.buffer;
  }
  function bytesToB64url(buffer) {
    var bytes = new Uint8Array(buffer), text = "";
    for (var i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function csrf() {
    var input = document.querySelector('input[name="csrf"]');
    return input ? input.value : "";
  }
  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": csrf() },
      body: JSON.stringify(body || {})
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) throw new Error(data.detail || data.title || response.statusText);
        return data;
      });
    });
  }
  function show(status, message, isError) {
    status.textContent = message;
    status.classList.toggle("field-error", !!isError);
  }
  function credentialJSON(credential) {
    var response = credential.response, out = {
      id: credential.id, rawId: bytesToB64url(credential.rawId), type: credential.type,
      clientExtensionResults: credential.getClientExtensionResults ? credential.getClientExtensionResults() : {},
      response: { clientDataJSON: bytesToB64url(response.clientDataJSON) }
    };
    if (credential.authenticatorAttachment) out.authenticatorAttachment = credential.authenticatorAttachment;
    if (response.attestationObject) {
      out.response.attestationObject = bytesToB64url(response.attestationObject);
      out.response.transports = response.getTransports ? response.getTransports() : [];
    } else {
      out.response.authenticatorData = bytesToB64url(response.authenticatorData);
      out.response.signature = bytesToB64url(response.signature);
      if (response.userHandle) out.response.userHandle = bytesToB64url(response.userHandle);
    }
    return out;
  }

  var register = document.getElementById("passkey-register");
  if (register) {
    register.hidden = false;
    register.addEventListener("submit", function (event) {
      event.preventDefault();
      var status = document.getElementById("passkey-status");
      var name = document.getElementById("passkey-name").value;
      show(status, register.dataset.working);
      post("/account/passkeys/options").then(function (ceremony) {
        var o = ceremony.options;
        o.challenge = b64urlToBytes(o.challenge);
        o.user.id = b64urlToBytes(o.user.id);
        (o.excludeCredentials || []).forEach(function (c) { c.id = b64urlToBytes(c.id); });
        return navigator.credentials.create({ publicKey: o }).then(function (credential) {
          return post("/account/passkeys", {
            challenge_id: ceremony.challenge_id, credential: credentialJSON(credential), name: name
          });
        });
      }).then(function (done) { window.location.assign(done.next); })
        .catch(function (error) { show(status, register.dataset.failed + " " + error.message, true); });
    });
  }

  window.jangterPasskey = { b64urlToBytes: b64urlToBytes, credentialJSON: credentialJSON };

  var stepUp = document.getElementById("passkey-step-up");
  if (stepUp) {
    stepUp.hidden = false;
    stepUp.addEventListener("click", function () {
      var status = document.getElementById("passkey-status");
      show(status, stepUp.dataset.working);
      post("/account/step-up/options").then(function (ceremony) {
        var o = ceremony.options;
        o.challenge = b64urlToBytes(o.challenge);
        (o.allowCredentials || []).forEach(function (c) { c.id = b64urlToBytes(c.id); });
        return navigator.credentials.get({ publicKey: o }).then(function (credential) {
          return post("/account/step-up", {
            challenge_id: ceremony.challenge_id, credential: credentialJSON(credential), next: stepUp.dataset.next || ""
          });
        });
      }).then(function (done) { window.location.assign(done.next); })
        .catch(function (error) { show(status, stepUp.dataset.failed + " " + error.message, true); });
    });
  }

  // The opening: each committee member verifies with their own passkey on the bid official's screen; the proof
  // goes into the member's row of the opening form.
  Array.prototype.forEach.call(document.querySelectorAll("button.presence-verify"), function (button) {
    var row = button.dataset.row, status = document.getElementById("m" + row + "-status");
    button.parentNode.hidden = false;
    button.addEventListener("click", function () {
      var email = document.getElementById("m" + row + "-email").value;
      show(status, button.dataset.working);
      post(button.dataset.base + "/options", { email: email }).then(function (ceremony) {
        var o = ceremony.options;
        o.challenge = b64urlToBytes(o.challenge);
        (o.allowCredentials || []).forEach(function (c) { c.id = b64urlToBytes(c.id); });
        return navigator.credentials.get({ publicKey: o }).then(function (credential) {
          return post(button.dataset.base, { challenge_id: ceremony.challenge_id, credential: credentialJSON(credential) });
        });
      }).then(function (done) {
        document.getElementById("m" + row + "-proof").value = done.proof;
        show(status, button.dataset.done);
      }).catch(function (error) { show(status, button.dataset.failed + " " + error.message, true); });
    });
  });

  var signIn = document.getElementById("passkey-sign-in");
  if (signIn) {
    signIn.hidden = false;
    signIn.addEventListener("click", function () {
      var status = document.getElementById("passkey-status");
      show(status, signIn.dataset.working);
      post("/login/passkey/options").then(function (ceremony) {
        var o = ceremony.options;
        o.challenge = b64urlToBytes(o.challenge);
        (o.allowCredentials || []).forEach(function (c) { c.id = b64urlToBytes(c.id); });
        return navigator.credentials.get({ publicKey: o }).then(function (credential) {
          return post("/login/passkey", {
            challenge_id: ceremony.challenge_id, credential: credentialJSON(credential), next: signIn.dataset.next || ""
          });
        });
      }).then(function (done) { window.location.assign(done.next); })
        .catch(function (error) { show(status, signIn.dataset.failed + " " + error.message, true); });
    });
  }
})();
