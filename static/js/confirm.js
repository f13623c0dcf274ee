// Ask before a destructive action runs, in a <dialog> rather than htmx's window.confirm().
//
// The forms written by templates/_confirm.html carry the question (data-confirm), what will
// happen (data-confirm-detail) and the danger button's words (data-confirm-button); see
// myapp/confirm.py for the whole pattern. htmx fires htmx:confirm before every request: for
// those forms this script stops the request, opens the dialog, and lets the request go only
// when the danger button is pressed. Cancel has the focus first, Escape closes the dialog,
// and either way the focus goes back to the button that opened it. A form htmx does not post
// (hx-boost="false") gets the same dialog on submit. Without JavaScript none of this runs and
// the form opens the action's confirmation page instead.

let dialog = null;

function element(tag, properties) {
  return Object.assign(document.createElement(tag), properties);
}

// The dialog is made once per page: a boosted navigation replaces <body>, and it with it.
function confirmDialog() {
  if (dialog && dialog.isConnected) return dialog;
  dialog = element("dialog", { className: "confirm-dialog" });
  dialog.setAttribute("aria-labelledby", "confirm-dialog-title");
  dialog.setAttribute("aria-describedby", "confirm-dialog-detail");
  const cancel = element("button", { type: "button", textContent: "Cancel", autofocus: true });
  const confirm = element("button", { type: "button", className: "danger" });
  cancel.addEventListener("click", () => dialog.close("cancel"));
  confirm.addEventListener("click", () => dialog.close("confirm"));
  const actions = element("div", { className: "actions-row" });
  actions.append(cancel, confirm);
  dialog.append(
    element("h2", { id: "confirm-dialog-title" }),
    element("p", { id: "confirm-dialog-detail" }),
    actions,
  );
  document.body.append(dialog);
  return dialog;
}

// Show the dialog for `form`; run `proceed` only if the danger button closes it.
function ask(form, proceed) {
  const trigger = document.activeElement;
  const box = confirmDialog();
  box.querySelector("h2").textContent = form.dataset.confirm;
  box.querySelector("p").textContent = form.dataset.confirmDetail || "";
  box.querySelector("button.danger").textContent = form.dataset.confirmButton || "Confirm";
  box.returnValue = "";
  box.addEventListener(
    "close",
    () => {
      if (trigger instanceof HTMLElement && trigger.isConnected) trigger.focus();
      if (box.returnValue === "confirm") proceed();
    },
    { once: true },
  );
  box.showModal();
}

document.addEventListener("htmx:confirm", (event) => {
  const form = event.detail.elt;
  if (!(form instanceof HTMLElement) || form.dataset.confirm === undefined) return;
  event.preventDefault();
  ask(form, () => event.detail.issueRequest(true));
});

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || form.dataset.confirm === undefined) return;
  if (form.closest("[hx-boost]")?.getAttribute("hx-boost") !== "false") return;
  if (form.hasAttribute("hx-post")) return;
  event.preventDefault();
  ask(form, () => form.submit());
});
