// Passkeys: drive navigator.credentials for every form marked data-passkey.
//
// The form is a real form (method, action, CSRF field): this module asks the server for
// options (POST to data-options-url, CSRF token in X-CSRFToken), runs the browser's WebAuthn
// ceremony, puts the signed answer in the form's hidden "credential" field as JSON and submits
// the form. The server answers that post like any other (303, or the page with its error).
// Passkey elements carry the class passkey-only, shown by app.css only once this module has
// marked <html> with the class "webauthn": without WebAuthn (or without this script) they stay
// hidden and the rest of the page works as before.

const supported =
  typeof window.PublicKeyCredential === "function" &&
  typeof navigator.credentials?.create === "function";

if (supported) {
  document.documentElement.classList.add("webauthn");
  // Listening on the document also covers forms that htmx swaps in later.
  document.addEventListener("submit", onSubmit);
}

const FAILED = "The passkey could not be used. Try again, or use another way.";

function toBytes(base64url) {
  const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), "="));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function toBase64url(buffer) {
  const binary = String.fromCharCode(...new Uint8Array(buffer));
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function withIds(list) {
  return (list || []).map((c) => ({ ...c, id: toBytes(c.id) }));
}

// The browser's own JSON helpers where present; the same conversion by hand otherwise.
function creationOptions(json) {
  if (typeof PublicKeyCredential.parseCreationOptionsFromJSON === "function") {
    return PublicKeyCredential.parseCreationOptionsFromJSON(json);
  }
  return {
    ...json,
    challenge: toBytes(json.challenge),
    user: { ...json.user, id: toBytes(json.user.id) },
    excludeCredentials: withIds(json.excludeCredentials),
  };
}

function requestOptions(json) {
  if (typeof PublicKeyCredential.parseRequestOptionsFromJSON === "function") {
    return PublicKeyCredential.parseRequestOptionsFromJSON(json);
  }
  return { ...json, challenge: toBytes(json.challenge), allowCredentials: withIds(json.allowCredentials) };
}

function credentialJSON(credential) {
  if (typeof credential.toJSON === "function") {
    return credential.toJSON();
  }
  const r = credential.response;
  const response = { clientDataJSON: toBase64url(r.clientDataJSON) };
  if (r.attestationObject) {
    response.attestationObject = toBase64url(r.attestationObject);
    response.transports = r.getTransports ? r.getTransports() : [];
  } else {
    response.authenticatorData = toBase64url(r.authenticatorData);
    response.signature = toBase64url(r.signature);
    if (r.userHandle) response.userHandle = toBase64url(r.userHandle);
  }
  return {
    id: credential.id,
    rawId: toBase64url(credential.rawId),
    type: credential.type,
    response,
    clientExtensionResults: credential.getClientExtensionResults(),
    authenticatorAttachment: credential.authenticatorAttachment,
  };
}

async function fetchOptions(form) {
  const response = await fetch(form.dataset.optionsUrl, {
    method: "POST",
    credentials: "same-origin",
    headers: { "X-CSRFToken": form.elements.csrf_token.value, Accept: "application/json" },
  });
  if (response.redirected) {
    // Sent elsewhere first (to confirm the password, or to sign in again): go there.
    window.location.assign(response.url);
    return null;
  }
  if (!response.ok || !response.headers.get("Content-Type")?.startsWith("application/json")) {
    throw new Error(`options: ${response.status}`);
  }
  return response.json();
}

async function onSubmit(event) {
  const form = event.target.closest("form[data-passkey]");
  if (!form || form.elements.credential.value) return;
  event.preventDefault();
  const status = form.querySelector("[data-passkey-status]");
  const button = form.querySelector("button[type=submit]");
  status.hidden = true;
  button.disabled = true;
  try {
    const options = await fetchOptions(form);
    if (options === null) return;
    const credential =
      form.dataset.passkey === "register"
        ? await navigator.credentials.create({ publicKey: creationOptions(options) })
        : await navigator.credentials.get({ publicKey: requestOptions(options) });
    form.elements.credential.value = JSON.stringify(credentialJSON(credential));
    form.submit();
  } catch (error) {
    status.textContent = FAILED;
    status.hidden = false;
    button.disabled = false;
  }
}
