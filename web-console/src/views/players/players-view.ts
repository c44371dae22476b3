import { h, replaceChildren } from "../../lib/dom";
import type { ConsoleView } from "../../view";
import { openPlayerPanel, type PlayerPanel } from "./player-panel";
import { playerSearch } from "./player-search";

/** `#/players` (search) and `#/players/<id>` (search beside the live player). */
export const playersView: ConsoleView = {
  id: "players",
  title: "Players",
  summary: "Find a player; watch their wallet, inventories and audit trail change live.",
  mount(host, ctx, params) {
    const search = playerSearch(ctx);
    const detail = h("section", { class: "player-detail", "aria-live": "off" });
    host.append(h("div", { class: "players-layout" }, search.el, detail));
    let panel: PlayerPanel | undefined;

    const show = (next: readonly string[]) => {
      const playerId = next[0];
      if (panel && panel.playerId === playerId) return;
      panel?.close();
      panel = undefined;
      search.select(playerId);
      if (playerId) panel = openPlayerPanel(detail, ctx, { playerId, onVersion: (version) => search.showVersion(playerId, version) });
      else replaceChildren(detail, h("div", { class: "empty" }, "Pick a player to watch their state live."));
    };
    show(params);

    return {
      update: show,
      unmount() {
        panel?.close();
        search.destroy();
      },
    };
  },
};
