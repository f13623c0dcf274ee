// Show times in the viewer's own time zone.
//
// The server renders <time datetime="ISO-UTC">2025-11-27 09:02 UTC</time>: readable, and
// labelled UTC, without JavaScript. This module rewrites, in every page and every piece htmx
// swaps in later:
//   <time data-local-time>   its text, as a local date and time (the UTC text moves to title);
//   <time data-local-title>  its title (a relative text like "5 minutes ago" stays);
//   [data-local-zone]        its text, as the viewer's time zone name.

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;

// Python's isoformat() may carry microseconds, which Date.parse need not accept.
function parse(iso) {
  const trimmed = iso.replace(/(\.\d{3})\d+/, "$1");
  const date = new Date(/[zZ]|[+-]\d\d:\d\d$/.test(trimmed) ? trimmed : `${trimmed}Z`);
  return Number.isNaN(date.getTime()) ? null : date;
}

// The elements under root that match selector, and root itself when htmx swapped in just that.
function within(root, selector) {
  const found = [...root.querySelectorAll(selector)];
  return root instanceof Element && root.matches(selector) ? [root, ...found] : found;
}

function localize(root) {
  for (const time of within(root, "time[data-local-time]")) {
    const date = parse(time.dateTime);
    if (date === null) continue;
    time.title = time.textContent.trim();
    time.textContent = dateTime.format(date);
    time.removeAttribute("data-local-time");
  }
  for (const time of within(root, "time[data-local-title]")) {
    const date = parse(time.dateTime);
    if (date === null) continue;
    time.title = dateTime.format(date);
    time.removeAttribute("data-local-title");
  }
  if (zone) {
    for (const element of within(root, "[data-local-zone]")) {
      element.textContent = `your time zone (${zone})`;
      element.removeAttribute("data-local-zone");
    }
  }
}

localize(document);
// htmx:load fires on every element htmx adds, including each boosted page's new body.
document.addEventListener("htmx:load", (event) => localize(event.target));
