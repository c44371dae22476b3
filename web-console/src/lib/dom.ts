/**
 * A few DOM helpers, so views read like markup without a framework. Text always goes in as
 * text nodes (never innerHTML): player names and item names are user data.
 */

export type Child = Node | string | number | null | undefined | false;
type AttrValue = string | number | boolean | undefined | null;
type Listener = (event: Event) => void;
export type Attrs = Record<string, AttrValue | Listener>;

/**
 * Creates an element. `on*` attributes become listeners, `false`/`null`/`undefined` are left
 * out, `true` sets an empty attribute.
 *
 * @example h("button", { class: "primary", onclick: () => save() }, "Save")
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs | null = null, ...children: (Child | Child[])[]) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (typeof value === "function") el.addEventListener(name.slice(2), value);
    else if (value === true) el.setAttribute(name, "");
    else if (value !== false && value !== null && value !== undefined) el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

/** Appends children (nested arrays are flattened; empty values skipped). */
export function append(parent: Node, children: (Child | Child[])[]): void {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }
}

/** Replaces every child of `parent`. */
export function replaceChildren(parent: Element, ...children: (Child | Child[])[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** Sets the text of an element only when it changed (keeps selection and avoids layout work). */
export function setText(el: Element, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

/**
 * Restarts the "just changed" highlight of elements. The class is taken off when the
 * animation ends (see onFlashEnd), so the next change can flash them again. Pass every
 * element of a frame at once: restarting costs one forced layout, however many there are.
 */
export function flash(elements: Iterable<Element>): void {
  const list = [...elements];
  const restart = list.filter((el) => el.classList.contains("flash"));
  for (const el of restart) el.classList.remove("flash");
  // Reading layout between remove and add restarts the CSS animation.
  if (restart.length > 0) void document.body.offsetWidth;
  for (const el of list) el.classList.add("flash");
}

export function onFlashEnd(event: Event): void {
  if ((event as AnimationEvent).animationName === "flash") (event.target as Element).classList.remove("flash");
}

/** Calls `fn` at most once per animation frame, however often `schedule` is called. */
export function frameScheduler(fn: () => void): { schedule(): void; cancel(): void } {
  let handle: number | undefined;
  return {
    schedule() {
      handle ??= requestAnimationFrame(() => {
        handle = undefined;
        fn();
      });
    },
    cancel() {
      if (handle !== undefined) cancelAnimationFrame(handle);
      handle = undefined;
    },
  };
}

/** A panel that shows an error the way every view does. */
export function errorBox(error: unknown): HTMLElement {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  return h("div", { class: "error-box", role: "alert" }, typeof code === "string" ? h("code", null, code) : null, " ", message);
}
