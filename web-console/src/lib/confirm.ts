import { errorBox, h, replaceChildren } from "./dom";

/**
 * The one "review, then confirm" step of every console act: `question` names what changes
 * (the player, the item, the amounts) before anything is sent; Confirm runs `run`, whose text
 * goes to `outcome` (or its error, typed code first); Cancel sends nothing. `testId` names the
 * question (`<testId>-confirmation`) and the button (`<testId>-confirm`) for the browser tests.
 */
export function askToConfirm(
  review: HTMLElement,
  outcome: HTMLElement,
  ask: { question: string; detail?: string; testId: string; confirmLabel?: string; run: () => Promise<string> },
): void {
  replaceChildren(outcome);
  const confirm = h(
    "button",
    { type: "button", class: "primary danger", "data-testid": `${ask.testId}-confirm` },
    ask.confirmLabel ?? "Confirm",
  );
  const cancel = h("button", { type: "button", class: "link", onclick: () => (review.hidden = true) }, "Cancel");
  confirm.addEventListener("click", async () => {
    confirm.disabled = true;
    try {
      const done = await ask.run();
      replaceChildren(outcome, h("p", { class: "muted small", role: "status" }, done));
    } catch (error) {
      replaceChildren(outcome, errorBox(error));
    } finally {
      review.hidden = true;
    }
  });
  replaceChildren(
    review,
    h("p", { "data-testid": `${ask.testId}-confirmation` }, ask.question),
    ask.detail ? h("p", { class: "muted small" }, ask.detail) : null,
    h("div", { class: "action-buttons" }, confirm, cancel),
  );
  review.hidden = false;
}
