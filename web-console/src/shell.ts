import type { ConnectionStatus, HoardClient } from "@hoard/client-sdk";
import type { TokenClaims } from "./auth";
import { connectionProblem } from "./connection-text";
import { h, replaceChildren, setText } from "./lib/dom";
import { showLive } from "./lib/live-dot";
import { parseRoute, routeHref } from "./router";
import type { ConsoleView, MountedView, ViewContext } from "./view";

export interface ShellOptions {
  hoard: HoardClient;
  views: readonly ConsoleView[];
  claims: TokenClaims | undefined;
  signOut(): void;
}

/**
 * The frame around every view: top bar (connection state, who is signed in), nav built from
 * the view list, and the routed view. Returns a function that tears it all down.
 */
export function mountShell(root: HTMLElement, options: ShellOptions): () => void {
  const { hoard, views, claims } = options;
  const connection = h("span", { class: "conn", "data-state": "live", role: "status", "aria-live": "polite" }, "live");
  const banner = h("div", { class: "banner", hidden: true, role: "alert" });
  const connectionBanner = h("div", { class: "banner", hidden: true, role: "alert", "data-testid": "connection-banner" });
  const title = h("h1", { class: "view-title" });
  const summary = h("p", { class: "view-summary" });
  const host = h("div", { class: "view-host" });
  const links = new Map(views.map((view) => [view.id, h("a", { href: routeHref(view.id), "data-view": view.id }, view.title)] as const));

  replaceChildren(
    root,
    h(
      "div",
      { class: "shell" },
      h(
        "header",
        { class: "topbar" },
        h("a", { class: "brand", href: routeHref() }, h("span", { class: "logo", "aria-hidden": "true" }), "Hoard"),
        h("span", { class: "brand-sub" }, "console"),
        h("span", { class: "spacer" }),
        connection,
        h("span", { class: "who", title: expiryText(claims) }, claims ? `${claims.sub} · ${claims.role}` : "signed in"),
        h("button", { type: "button", class: "link", onclick: options.signOut }, "Sign out"),
      ),
      h("nav", { class: "nav", "aria-label": "Views" }, [...links.values()]),
      h("main", { class: "main" }, connectionBanner, banner, h("header", { class: "view-head" }, title, summary), host),
    ),
  );

  if (claims && claims.role !== "admin" && claims.role !== "viewer") {
    showBanner(`This token has the ${claims.role} role; the console needs an admin (or read-only viewer) token to read every player.`);
  }

  // The connection's state, from the SDK: it reconnects by itself, whatever ended the connection.
  const onStatus = (status: ConnectionStatus) => {
    connection.dataset.state = status === "connected" ? "live" : status;
    setText(connection, status === "connected" ? "live" : status === "closed" ? "disconnected" : `${status}…`);
    for (const dot of root.querySelectorAll<HTMLElement>("[data-live-dot]")) showLive(dot, status);
    const text = connectionProblem(status, hoard.lastDisconnect);
    connectionBanner.hidden = text === undefined;
    setText(connectionBanner, text ?? "");
  };
  const stopStatus = hoard.on("status", onStatus);
  onStatus(hoard.status);

  function showBanner(text: string): void {
    setText(banner, text);
    banner.hidden = false;
  }

  const ctx: ViewContext = {
    hoard,
    canAct: claims?.role === "admin",
    navigate: (...segments) => {
      location.hash = routeHref(...segments);
    },
    href: routeHref,
  };

  let current: { view: ConsoleView; mounted: MountedView } | undefined;
  const route = () => {
    const { view: id, params } = parseRoute(location.hash);
    const view = views.find((candidate) => candidate.id === id) ?? views[0];
    if (!view) return;
    if (current?.view === view && current.mounted.update) {
      current.mounted.update(params);
      return;
    }
    current?.mounted.unmount();
    host.replaceChildren();
    setText(title, view.title);
    setText(summary, view.summary);
    document.title = `${view.title} · Hoard console`;
    for (const [key, link] of links) {
      if (key === view.id) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    }
    current = { view, mounted: view.mount(host, ctx, view.id === id ? params : []) };
  };
  window.addEventListener("hashchange", route);
  route();

  return () => {
    window.removeEventListener("hashchange", route);
    stopStatus();
    current?.mounted.unmount();
    current = undefined;
    root.replaceChildren();
  };
}

function expiryText(claims: TokenClaims | undefined): string {
  if (claims?.exp === undefined) return "token without expiry";
  return `token expires ${new Date(claims.exp * 1000).toLocaleString()}`;
}
