import "./trades.css";
import { h } from "../../lib/dom";
import { ItemNames } from "../../lib/item-names";
import type { ConsoleView } from "../../view";
import { EconomyPanel } from "./economy-panel";
import { TradeFeed } from "./trade-feed";

/** `#/trades`: the live trade feed (suspicious trades highlighted) and the economy answers. */
export const tradesView: ConsoleView = {
  id: "trades",
  title: "Trades",
  summary: "Every executed trade as it happens, suspicious ones flagged, and the economy's answers.",
  mount(host, ctx) {
    const names = new ItemNames(ctx.hoard, host, () => {});
    const economy = new EconomyPanel(ctx.hoard, ctx);
    const feed = new TradeFeed({ hoard: ctx.hoard, ctx, names });
    host.append(economy.head, h("div", { class: "trades-layout" }, feed.el, economy.tables));
    economy.start();
    void feed.start();
    return {
      unmount() {
        feed.close();
        economy.close();
      },
    };
  },
};
