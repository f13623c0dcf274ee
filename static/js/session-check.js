// Move open tabs to sign in as soon as their session ends: revoked from another device,
// expired, ended by a password change, or signed out in another tab of this browser.
//
// The page says whether it is signed in with a hidden element (templates/base.html):
// [data-session-check] holds the check URL, the interval in seconds and where to go once the
// session has ended; [data-signed-out] marks a page rendered for a signed-out browser.
// A signed-in page asks the check URL every interval while it is visible, and at once when it
// becomes visible again; a hidden tab asks nothing. A signed-out page tells the browser's other
// tabs to check at once (BroadcastChannel), so signing out in one tab moves the others.
// hx-boost swaps <body> but keeps <head>, so this module lives across boosted navigations and
// reads the element again after every swap.

const channel = "BroadcastChannel" in window ? new BroadcastChannel("myapp-session") : null;
const SIGNED_OUT = "signed-out";

let timer = null;
let leaving = false;
let signedIn = null;

function marker() {
  return document.querySelector("[data-session-check]");
}

function stop() {
  clearTimeout(timer);
  timer = null;
}

function schedule() {
  stop();
  const element = marker();
  if (!element || leaving || document.visibilityState !== "visible") return;
  const seconds = Number(element.dataset.sessionCheckInterval) || 30;
  timer = setTimeout(check, seconds * 1000);
}

async function check() {
  stop();
  const element = marker();
  if (!element || leaving) return;
  let alive = true;
  try {
    const response = await fetch(element.dataset.sessionCheck, {
      headers: { Accept: "application/json" },
      cache: "no-store",
      credentials: "same-origin",
    });
    // Only a clear "ended" moves the tab: a 503 or a network error is retried next time.
    if (response.ok) alive = (await response.json()).alive !== false;
  } catch {
    alive = true;
  }
  if (alive) schedule();
  else leave(element);
}

function leave(element) {
  leaving = true;
  const url = new URL(element.dataset.sessionEnded, window.location.origin);
  url.searchParams.set("next", window.location.pathname + window.location.search);
  // replace(): the private page does not stay in the tab's history.
  window.location.replace(url);
}

function pageChanged() {
  const now = marker() !== null;
  if (now) {
    schedule();
  } else {
    stop();
    if (signedIn !== false && document.querySelector("[data-signed-out]")) {
      channel?.postMessage(SIGNED_OUT);
    }
  }
  signedIn = now;
}

channel?.addEventListener("message", (event) => {
  if (event.data === SIGNED_OUT) check();
});
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") check();
  else stop();
});
document.addEventListener("htmx:afterSettle", pageChanged);
window.addEventListener("pageshow", (event) => {
  if (event.persisted) check();
});
pageChanged();
