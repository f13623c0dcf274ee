// Focus and announcements after htmx swaps, for people who use a keyboard or a screen reader.
//
// A swap replaces the element that had focus, and the browser then puts focus on <body>: the
// next Tab starts from the top of the page, or leaves it. After every swap this module moves
// focus somewhere that continues what the user was doing:
//   - a form came back with errors: its first field marked aria-invalid="true" (or, when only
//     the whole form has a message, its first empty field);
//   - a boosted page change: the page's [autofocus] field or the #fragment of its URL if it
//     has one, else its <h1>;
//   - an editor opened (an [autofocus] field in the new content): htmx has focused it already;
//   - a row appeared (tr or li with an id that was not there before): that row's first control;
//   - the request came from an element with data-focus-after="<id>" (an editor's Save and
//     Cancel): the element with that id, the row's Edit link;
//   - the row the request came from is still there: the same control in it, else its first;
//   - that row is gone (deleted): the row after it, else the one before, else the list heading;
//   - a control outside any list (a section's Save): the same control in the new content;
//   - otherwise the swapped element itself. Never <body>.
// Escape inside a form with a [data-cancel] control (an inline editor) activates that control.
//
// The page has one live region, #announcer in templates/base.html. The server announces a
// result with the "announce" event (HX-Trigger-After-Settle, myapp.htmx.announce()), which
// htmx fires after the swap has settled, so the message is read after focus has moved. A
// boosted page change brings flashes in a new region, which screen readers do not read by
// themselves: they are put in again once the page has settled.
// hx-boost swaps <body> but keeps <head>, so this module and its listeners live across pages.

const ROWS = "tr[id], li[id]";
const FIELDS =
  "input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])";
const FOCUSABLE = `a[href], button:not([disabled]), ${FIELDS}, [tabindex]:not([tabindex="-1"])`;
// Long enough for a screen reader to notice that the region was emptied before it fills again.
const REFILL_DELAY_MS = 100;

// What the page looked like before each request's swap, by request.
const before = new WeakMap();
// htmx:afterSettle fires once per settled element; each request is handled once.
const handled = new WeakSet();
let refill = null;

function rowIds(root) {
  return [...root.querySelectorAll(ROWS)].map((row) => row.id);
}

function describe(element) {
  return { id: element.id, tag: element.tagName, text: element.textContent.trim() };
}

// The control the user worked in ``target``: the focused one, or (hx-disabled-elt took focus
// away from a button it disabled) the form's submitter or the clicked link.
function usedControl(target, triggeringEvent) {
  const candidates = [
    document.activeElement,
    triggeringEvent?.submitter,
    triggeringEvent?.target?.closest?.(FOCUSABLE),
  ];
  return candidates.find(
    (element) => element && element !== document.body && target.contains(element),
  );
}

function firstInvalid(root) {
  return root.querySelector('[aria-invalid="true"]');
}

function firstFieldOfFormWithErrors(root) {
  const form = root.querySelector(".form-errors")?.closest("form");
  if (!form) return null;
  const fields = [...form.querySelectorAll(FIELDS)];
  return fields.find((field) => !field.value) ?? fields[0] ?? null;
}

function firstControl(row) {
  return row.querySelector(FOCUSABLE) ?? row;
}

function sameControl(container, was) {
  if (!was) return null;
  if (was.id) {
    const element = document.getElementById(was.id);
    if (element && container.contains(element)) return element;
  }
  return (
    [...container.querySelectorAll(FOCUSABLE)].find(
      (element) => element.tagName === was.tag && element.textContent.trim() === was.text,
    ) ?? null
  );
}

function mainHeading() {
  return document.querySelector("main h1") ?? document.querySelector("main");
}

// The last heading above ``root``, which names the list it holds.
function headingBefore(root) {
  const headings = [...document.querySelectorAll("main h1, main h2, main h3")].filter(
    (heading) => heading.compareDocumentPosition(root) & Node.DOCUMENT_POSITION_FOLLOWING,
  );
  return headings.at(-1) ?? mainHeading();
}

function afterNavigation(root) {
  const hash = window.location.hash.slice(1);
  return (
    firstInvalid(root) ??
    firstFieldOfFormWithErrors(root) ??
    root.querySelector("[autofocus]") ??
    (hash ? document.getElementById(hash) : null) ??
    mainHeading()
  );
}

function afterSwap(root, was) {
  const invalid = firstInvalid(root) ?? firstFieldOfFormWithErrors(root);
  if (invalid) return invalid;
  const active = document.activeElement;
  if (root.contains(active) && active.hasAttribute("autofocus")) return active;
  const added = [...root.querySelectorAll(ROWS)].find((row) => !was.rowIds.includes(row.id));
  if (added) return firstControl(added);
  const target = was.focusAfter && document.getElementById(was.focusAfter);
  if (target) return target;
  if (was.row) {
    const row = document.getElementById(was.row);
    if (row && root.contains(row)) return sameControl(row, was.active) ?? firstControl(row);
    const index = was.rowIds.indexOf(was.row);
    const neighbours = [...was.rowIds.slice(index + 1), ...was.rowIds.slice(0, index).reverse()];
    for (const id of neighbours) {
      const neighbour = document.getElementById(id);
      if (neighbour && root.contains(neighbour)) return firstControl(neighbour);
    }
    return headingBefore(root);
  }
  // htmx keeps focus on an element whose id is in the new content too.
  if (root.contains(active) && active !== root) return active;
  // Outside a list, the control that was used (a section's Save) is still the one to be on;
  // inside a row without an id, the same words may be another row's button.
  return (!was.inRow && sameControl(root, was.active)) || root;
}

function moveFocus(element) {
  if (!element.matches(FOCUSABLE) && !element.hasAttribute("tabindex")) {
    element.setAttribute("tabindex", "-1");
  }
  element.focus();
}

function region() {
  return document.getElementById("announcer");
}

// Empty the live region, then put ``nodes`` in it once that has been noticed.
function fill(nodes) {
  const live = region();
  if (!live) return;
  clearTimeout(refill);
  live.replaceChildren();
  refill = setTimeout(() => live.append(...nodes), REFILL_DELAY_MS);
}

function announce(message) {
  const paragraph = document.createElement("p");
  // A section that shows the message beside what changed keeps it there: shown once, said once.
  const shown = [...document.querySelectorAll("main .notice")].some(
    (notice) => notice.textContent.trim() === message,
  );
  paragraph.className = shown ? "visually-hidden" : "flash";
  paragraph.textContent = message;
  fill([paragraph]);
}

function sayFlashesAgain() {
  const flashes = [...(region()?.children ?? [])];
  if (flashes.length) fill(flashes);
}

document.addEventListener("htmx:beforeSwap", (event) => {
  const { xhr, target, requestConfig } = event.detail;
  const origin = requestConfig?.elt;
  const used = usedControl(target, requestConfig?.triggeringEvent);
  before.set(xhr, {
    rowIds: rowIds(target),
    row: origin?.closest?.(ROWS)?.id ?? null,
    inRow: Boolean(origin?.closest?.("tr, li")),
    active: used ? describe(used) : null,
    focusAfter: origin?.closest?.("[data-focus-after]")?.dataset.focusAfter ?? null,
  });
});

document.addEventListener("htmx:afterSettle", (event) => {
  const { xhr, target, boosted } = event.detail;
  if (!xhr || handled.has(xhr)) return;
  handled.add(xhr);
  // An outerHTML swap replaced the target: its successor has the same id.
  const root = target.isConnected ? target : (document.getElementById(target.id) ?? event.target);
  if (boosted) {
    moveFocus(afterNavigation(root));
    sayFlashesAgain();
  } else {
    moveFocus(afterSwap(root, before.get(xhr) ?? { rowIds: [] }));
  }
});

document.addEventListener("announce", (event) => announce(event.detail.value));

document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape" || event.defaultPrevented) return;
  const cancel = event.target.closest?.("form")?.querySelector("[data-cancel]");
  if (!cancel) return;
  event.preventDefault();
  cancel.click();
});
