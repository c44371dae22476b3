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
function append(parent: Node, children: (Child | Child[])[]): void {
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
 * The "just changed" highlight: a fade from the theme's --flash colour. A Web Animation
 * restarts on every call without the forced layout a CSS class toggle needs, which under a
 * burst of changes cost a quarter of the page's time.
 */
export function flash(elements: Iterable<Element>, options: { cover?: boolean } = {}): void {
  const { color, duration } = flashStyle();
  // `cover` paints over an element that has a background of its own (a heatmap cell) and fades
  // back to it, instead of fading from the flash colour to transparent and jumping back.
  const frames = options.cover
    ? [{ boxShadow: `inset 0 0 0 40px ${color}` }, { boxShadow: "inset 0 0 0 40px transparent" }]
    : [{ backgroundColor: color }, { backgroundColor: "transparent" }];
  for (const el of elements) el.animate(frames, { duration, easing: "ease-out" });
}

/** Read once per theme: reading a custom property forces a style recalculation. */
let flashCache: { dark: boolean; color: string; duration: number } | undefined;
function flashStyle(): { color: string; duration: number } {
  const dark = matchMedia("(prefers-color-scheme: dark)").matches;
  if (flashCache?.dark !== dark) {
    const color = getComputedStyle(document.documentElement).getPropertyValue("--flash").trim() || "#ffe58a";
    flashCache = { dark, color, duration: matchMedia("(prefers-reduced-motion: reduce)").matches ? 400 : 1600 };
  }
  return flashCache;
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
