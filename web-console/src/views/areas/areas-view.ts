import "./areas.css";
import { h, replaceChildren } from "../../lib/dom";
import type { ConsoleView } from "../../view";
import { type AreaPanel, openAreaPanel } from "./area-panel";
import { areasList } from "./areas-list";

/** `#/areas` (every area by players) and `#/areas/<code>` (that area's mode popularity, live). */
export const areasView: ConsoleView = {
  id: "areas",
  title: "Areas",
  summary: "Who is online where; for one area, live mode popularity and its last minutes.",
  mount(host, ctx, params) {
    const list = areasList(ctx);
    const detail = h("section", { class: "area-detail", "aria-live": "off" });
    host.append(h("div", { class: "areas-layout" }, list.el, detail));
    let panel: AreaPanel | undefined;

    const show = (next: readonly string[]) => {
      const areaCode = next[0];
      if (panel && panel.areaCode === areaCode) return;
      panel?.close();
      panel = undefined;
      list.select(areaCode);
      if (areaCode) panel = openAreaPanel(detail, ctx, areaCode);
      else replaceChildren(detail, h("div", { class: "empty" }, "Pick an area to watch its mode popularity live."));
    };
    show(params);

    return {
      update: show,
      unmount() {
        panel?.close();
        list.destroy();
      },
    };
  },
};
