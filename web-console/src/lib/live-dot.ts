import type { ConnectionStatus, HoardClient } from "@hoard/client-sdk";
import { h, setText } from "./dom";

/**
 * A panel's "live" mark. It says "live" only while the SDK is connected (then every watch has
 * resynced or is resyncing); the shell sets every mark on the page at each status change, so a
 * panel never claims to be live while its pushes cannot arrive.
 */
export function liveDot(hoard: HoardClient): HTMLElement {
  const dot = h("span", { class: "live-dot", "data-live-dot": true });
  showLive(dot, hoard.status);
  return dot;
}

export function showLive(dot: HTMLElement, status: ConnectionStatus): void {
  const live = status === "connected";
  dot.dataset.state = live ? "live" : "paused";
  setText(dot, live ? "live" : status === "closed" ? "stopped" : "paused: reconnecting");
}
