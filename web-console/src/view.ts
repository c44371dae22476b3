import type { HoardClient } from "@hoard/client-sdk";

/**
 * The contract between the shell and a view. A domain's console page is one module that
 * exports a `ConsoleView`, listed once in views.ts; the shell gives it a route, a nav entry
 * and a host element, and unmounts it when the operator leaves.
 */
export interface ConsoleView {
  /** The route's first segment and the nav entry's key: `#/players/alice` → "players". */
  readonly id: string;
  /** The nav label. */
  readonly title: string;
  /** One line under the title, saying what the operator sees here. */
  readonly summary: string;
  /**
   * Builds the view into `host`. `params` are the route's remaining segments, decoded.
   * Everything the view opens (watches, subscriptions, timers, charts) is closed by `unmount`.
   */
  mount(host: HTMLElement, ctx: ViewContext, params: readonly string[]): MountedView;
}

export interface MountedView {
  /** Called instead of a remount when only the params changed (e.g. another player). */
  update?(params: readonly string[]): void;
  unmount(): void;
}

export interface ViewContext {
  /** The connected SDK client: the console's only way to talk to the node. */
  readonly hoard: HoardClient;
  /**
   * Whether the token may act (an `admin`): views show their action forms and buttons only
   * then. A `viewer` sees no action at all; the node refuses its writes anyway.
   */
  readonly canAct: boolean;
  /** Goes to a route, e.g. `navigate("players", "alice")` (segments are encoded for you). */
  navigate(...segments: string[]): void;
  /** The href of a route, for links. */
  href(...segments: string[]): string;
}
