import { errorBox, h, replaceChildren } from "../../lib/dom";

/**
 * The one inline "act with a reason" flow of the player view, for the history's reverse buttons
 * and the open offers' cancel buttons: a button opens a question naming the player and what
 * happens, a reason input and a confirm button; an empty reason is refused before anything is
 * sent; the node's refusal shows in place and nothing changes. On success the box empties:
 * the change arrives through the live feeds like any other.
 */
export function reasonConfirm(options: {
  /** The button that opens it ("Reverse…"). */
  label: string;
  /** data-testid of the opening button; the question, confirm button get `-confirmation` and `-confirm`. */
  testId: string;
  /** Asked when the box opens (it may look something up, e.g. a trade's other player). */
  question: () => string | Promise<string>;
  confirmLabel: string;
  run: (reason: string) => Promise<unknown>;
}): HTMLElement {
  const box = h("div", { class: "reverse-controls" });
  const open = h("button", { type: "button", class: "link", "data-testid": options.testId }, options.label);
  open.addEventListener("click", async () => {
    const question = await options.question();
    const reason = h("input", { name: "reason", placeholder: "why (kept in the history)", maxlength: 500, autocomplete: "off" });
    const problem = h("div");
    const confirm = h(
      "button",
      { type: "button", class: "primary danger", "data-testid": `${options.testId}-confirm` },
      options.confirmLabel,
    );
    const cancel = h("button", { type: "button", class: "link" }, "Cancel");
    cancel.addEventListener("click", () => replaceChildren(box, open));
    confirm.addEventListener("click", async () => {
      if (reason.value.trim() === "") {
        replaceChildren(problem, h("div", { class: "error-box", role: "alert" }, "Say why: the reason is kept in the history."));
        return;
      }
      confirm.disabled = true;
      try {
        await options.run(reason.value);
        replaceChildren(box);
      } catch (error) {
        confirm.disabled = false;
        replaceChildren(problem, errorBox(error));
      }
    });
    replaceChildren(
      box,
      h("p", { class: "small", "data-testid": `${options.testId}-confirmation` }, question),
      h("div", { class: "reverse-box" }, reason, confirm, cancel),
      problem,
    );
  });
  box.append(open);
  return box;
}
