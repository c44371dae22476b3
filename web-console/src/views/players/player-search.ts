import { errorBox, h, replaceChildren, setText } from "../../lib/dom";
import type { ViewContext } from "../../view";

const pageSize = 50;
const validId = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export interface PlayerSearch {
  readonly el: HTMLElement;
  /** Marks the player shown on the right (undefined = none). */
  select(playerId: string | undefined): void;
  /** Keeps the listed version of a player current (the one being watched). */
  showVersion(playerId: string, version: number): void;
  destroy(): void;
}

/**
 * Finds players whose id or name starts with what is typed, ignoring case (`players:list`
 * with `search`), a page at a time. Enter opens the typed id directly, so an operator who
 * knows the id needs no list at all.
 */
export function playerSearch(ctx: ViewContext): PlayerSearch {
  const input = h("input", {
    type: "search",
    id: "player-search",
    placeholder: "Player id or name, or their start",
    autocomplete: "off",
    spellcheck: "false",
    "aria-describedby": "player-search-status",
  });
  const status = h("p", { id: "player-search-status", class: "muted small", role: "status" });
  const list = h("ul", { class: "results", "data-testid": "player-results" });
  const more = h("button", { type: "button", class: "link", hidden: true }, "More players");
  let selected: string | undefined;
  let next: string | null = null;
  let request = 0;
  let debounce: ReturnType<typeof setTimeout> | undefined;

  const load = async (append: boolean) => {
    const search = input.value.trim().slice(0, 64);
    const mine = ++request;
    try {
      const page = await ctx.hoard.players.list({
        limit: pageSize,
        ...(search ? { search } : {}),
        ...(append && next ? { after: next } : {}),
      });
      if (mine !== request) return;
      if (!append) list.replaceChildren();
      for (const player of page.players) {
        list.append(
          h(
            "li",
            null,
            h(
              "a",
              {
                href: ctx.href("players", player.id),
                "data-player": player.id,
                ...(player.id === selected ? { "aria-current": "true" } : {}),
              },
              h("span", { class: "result-id" }, player.id),
              player.name ? h("span", { class: "result-name" }, player.name) : null,
              h("span", { class: "result-version", title: "version when listed" }, `v${player.version}`),
            ),
          ),
        );
      }
      next = page.next;
      more.hidden = next === null;
      const shown = list.childElementCount;
      setText(
        status,
        shown === 0
          ? search
            ? `No player id or name starts with “${search}” (any case).`
            : "No players yet."
          : `${shown}${next ? "+" : ""} ${shown === 1 && !next ? "player" : "players"}`,
      );
    } catch (error) {
      if (mine === request) replaceChildren(list, h("li", null, errorBox(error)));
    }
  };

  input.addEventListener("input", () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => void load(false), 150);
  });
  input.addEventListener("keydown", (event) => {
    const id = input.value.trim();
    if (event.key === "Enter" && validId.test(id)) ctx.navigate("players", id);
  });
  more.addEventListener("click", () => void load(true));

  const el = h("aside", { class: "card player-search" }, h("label", { for: "player-search" }, "Find a player"), input, status, list, more);
  void load(false);

  return {
    el,
    select(playerId) {
      selected = playerId;
      for (const link of list.querySelectorAll<HTMLElement>("a[data-player]")) {
        if (link.dataset.player === playerId) link.setAttribute("aria-current", "true");
        else link.removeAttribute("aria-current");
      }
    },
    showVersion(playerId, version) {
      const label = list.querySelector(`a[data-player="${CSS.escape(playerId)}"] .result-version`);
      if (label) setText(label, `v${version}`);
    },
    destroy() {
      clearTimeout(debounce);
      request++;
    },
  };
}
