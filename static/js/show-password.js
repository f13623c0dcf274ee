// Show-password toggles: a <button data-password-toggle aria-controls="ID" aria-pressed hidden>
// next to a password input. Without JavaScript the button stays hidden and the input stays a
// password field; with it, the button appears and each press switches the input between
// hidden and shown text, saying which in aria-pressed.

function reveal(root) {
  for (const button of root.querySelectorAll("button[data-password-toggle][hidden]")) {
    if (document.getElementById(button.getAttribute("aria-controls"))) button.hidden = false;
  }
}

document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-password-toggle]");
  if (button === null) return;
  const input = document.getElementById(button.getAttribute("aria-controls"));
  if (input === null) return;
  const show = input.type === "password";
  input.type = show ? "text" : "password";
  button.setAttribute("aria-pressed", String(show));
});

// Back to a password field before the form goes, so browsers offer to save it as one.
document.addEventListener("submit", (event) => {
  for (const button of event.target.querySelectorAll("button[data-password-toggle]")) {
    const input = document.getElementById(button.getAttribute("aria-controls"));
    if (input !== null) input.type = "password";
    button.setAttribute("aria-pressed", "false");
  }
});

reveal(document);
document.addEventListener("htmx:load", (event) => reveal(event.target));
