// The firm's signing key, made in this browser: an Ed25519 key pair from WebCrypto. The private key is saved to a
// file on this computer (PKCS#8 PEM, the file the bid form asks for) and never sent; the public key fills the form.
// Without JavaScript, make the key with `jangter bid keygen` and paste the public key.
(function () {
  "use strict";
  var button = document.getElementById("key-generate");
  if (!button || !window.crypto || !crypto.subtle) return;

  function toBase64(buffer) {
    var bytes = new Uint8Array(buffer), text = "";
    for (var i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return btoa(text);
  }
  function pem(buffer) {
    var body = toBase64(buffer).replace(/(.{64})/g, "$1\n").replace(/\n$/, "");
    return "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n";
  }

  button.parentNode.hidden = false;
  button.addEventListener("click", function () {
    var status = document.getElementById("key-status");
    status.textContent = button.dataset.working;
    crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"]).then(function (pair) {
      return Promise.all([
        crypto.subtle.exportKey("pkcs8", pair.privateKey),
        crypto.subtle.exportKey("raw", pair.publicKey)
      ]);
    }).then(function (exported) {
      var file = new Blob([pem(exported[0])], { type: "application/x-pem-file" });
      var link = document.createElement("a");
      link.href = URL.createObjectURL(file);
      link.download = button.dataset.filename;
      document.body.appendChild(link);
      link.click();
      link.remove();
      document.getElementById("public_key").value = toBase64(exported[1]);
      status.textContent = button.dataset.done;
      status.classList.remove("field-error");
    }).catch(function (error) {
      status.textContent = button.dataset.failed + " " + error.message;
      status.classList.add("field-error");
    });
  });
})();
