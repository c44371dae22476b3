import { h, replaceChildren } from "./lib/dom";

/**
 * The sign-in page: one field for an admin token. Shown when there is no token yet, or when
 * the node refused the one we had (the reason is shown above the field).
 */
export function mountSignIn(root: HTMLElement, options: { problem?: string; onToken(token: string): void }): void {
  const input = h("input", {
    id: "token",
    name: "token",
    type: "password",
    autocomplete: "off",
    spellcheck: "false",
    required: true,
    placeholder: "eyJhbGciOiJIUzI1NiJ9…",
  });
  const form = h(
    "form",
    { class: "sign-in card" },
    h("h1", null, h("span", { class: "logo", "aria-hidden": "true" }), "Hoard console"),
    options.problem ? h("div", { class: "error-box", role: "alert" }, options.problem) : null,
    h("label", { for: "token" }, "Admin token"),
    input,
    h("button", { type: "submit", class: "primary" }, "Sign in"),
    h(
      "p",
      { class: "hint" },
      "In dev mode ",
      h("code", null, "npm start"),
      " prints a console link that signs you in. Or mint a token: ",
      h("code", null, "npm run -s hoard -- token --role admin"),
      ". It is kept for this tab only.",
    ),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const token = input.value.trim();
    if (token) options.onToken(token);
  });
  replaceChildren(root, h("div", { class: "center" }, form));
  input.focus();
}
