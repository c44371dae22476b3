import { h, setText } from "../../lib/dom";
import { formatNumber } from "../../lib/format";
import { keyedList } from "../../lib/keyed";
import { poll } from "../../lib/polling";
import type { ViewContext } from "../../view";

const pollMs = 2000;
const shown = 50;
const areaCodePattern = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;

export interface AreasList {
  readonly el: HTMLElement;
  /** Marks the area shown beside the list. */
  select(areaCode: string | undefined): void;
  destroy(): void;
}

interface AreaRow {
  areaCode: string;
  players: number;
  share: number;
}

/**
 * The busiest areas and everyone online (`presence:areas`), polled: the node keeps those
 * counts live, but pushes only per area, and a list of every area is what an operator scans.
 * An area that is not listed (empty, or beyond the busiest) opens from the field.
 */
export function areasList(ctx: ViewContext): AreasList {
  const totals = h("p", { class: "areas-totals", "data-testid": "areas-totals" }, "…");
  const body = h("tbody");
  const problem = h("div");
  const empty = h("p", { class: "muted", hidden: true }, "Nobody is online.");
  const more = h("p", { class: "muted small", hidden: true });
  const input = h("input", {
    type: "search",
    id: "area-open",
    placeholder: "Area code, e.g. eu-west",
    autocomplete: "off",
    spellcheck: "false",
  });
  let selected: string | undefined;

  const rows = keyedList<AreaRow>(body, {
    key: (row) => row.areaCode,
    create: (row) =>
      h(
        "tr",
        { "data-area": row.areaCode },
        h("td", { class: "area-code" }, h("a", { href: ctx.href("areas", row.areaCode) }, row.areaCode)),
        h("td", { class: "num players" }),
        h("td", { class: "share-cell" }, h("span", { class: "share-bar" })),
      ),
    update: (tr, row) => {
      setText(tr.querySelector(".players") as Element, formatNumber(row.players));
      (tr.querySelector(".share-bar") as HTMLElement).style.width = `${(row.share * 100).toFixed(1)}%`;
      if (row.areaCode === selected) tr.setAttribute("aria-current", "true");
      else tr.removeAttribute("aria-current");
    },
  });

  const stopPolling = poll({
    everyMs: pollMs,
    problem,
    hoard: ctx.hoard,
    read: () => ctx.hoard.presence.areas({ limit: shown }),
    show: (reply) => {
      const busiest = reply.areas[0]?.players ?? 0;
      rows.set(reply.areas.map((area) => ({ ...area, share: busiest === 0 ? 0 : area.players / busiest })));
      setText(
        totals,
        `${formatNumber(reply.players)} ${reply.players === 1 ? "player" : "players"} online in ${formatNumber(reply.areaCount)} ${
          reply.areaCount === 1 ? "area" : "areas"
        }`,
      );
      empty.hidden = reply.areas.length > 0;
      more.hidden = reply.areaCount <= reply.areas.length;
      setText(more, `The ${reply.areas.length} busiest are listed; open any other by its code.`);
    },
  });

  input.addEventListener("keydown", (event) => {
    const code = input.value.trim();
    if (event.key === "Enter" && areaCodePattern.test(code)) ctx.navigate("areas", code);
  });

  const el = h(
    "aside",
    { class: "card areas-list" },
    h("h3", null, "Areas by players ", h("span", { class: "live-dot" }, "every 2 s")),
    totals,
    problem,
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "areas", "data-testid": "areas" },
        h(
          "thead",
          null,
          h(
            "tr",
            null,
            h("th", null, "Area"),
            h("th", { class: "num" }, "Players"),
            h("th", null, h("span", { class: "sr-only" }, "Share")),
          ),
        ),
        body,
      ),
    ),
    empty,
    more,
    h("label", { for: "area-open", class: "small muted" }, "Open an area"),
    input,
  );

  return {
    el,
    select(areaCode) {
      selected = areaCode;
      for (const tr of body.querySelectorAll<HTMLElement>("tr[data-area]")) {
        if (tr.dataset.area === areaCode) tr.setAttribute("aria-current", "true");
        else tr.removeAttribute("aria-current");
      }
    },
    destroy() {
      stopPolling();
    },
  };
}
