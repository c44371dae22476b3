import { errorBox, h, replaceChildren } from "../../lib/dom";
import { clockTime, timeAgo } from "../../lib/format";
import type { ViewContext } from "../../view";

const validId = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/**
 * "Connections of a player": the sockets a player holds on every node
 * (`cluster:sockets`, through the adapter), with their transport, since when, and topics.
 */
export function connectionsPanel(ctx: ViewContext): { el: HTMLElement; destroy(): void } {
  const input = h("input", {
    type: "search",
    id: "sockets-of",
    placeholder: "Player id",
    autocomplete: "off",
    spellcheck: "false",
  });
  const result = h("div", { "data-testid": "sockets", "aria-live": "polite" });
  let request = 0;
  const look = async () => {
    const playerId = input.value.trim();
    if (!validId.test(playerId)) {
      replaceChildren(result, h("p", { class: "muted small" }, "Player ids use letters, digits, _ and -."));
      return;
    }
    const mine = ++request;
    try {
      const { sockets } = await ctx.hoard.cluster.sockets(playerId);
      if (mine !== request) return;
      if (sockets.length === 0) {
        replaceChildren(
          result,
          h("p", { class: "muted small", "data-testid": "sockets-none" }, `${playerId} has no connection on any node.`),
        );
        return;
      }
      replaceChildren(
        result,
        h(
          "div",
          { class: "table-wrap" },
          h(
            "table",
            { class: "nodes" },
            h(
              "thead",
              null,
              h(
                "tr",
                null,
                ["Node", "Socket", "Role", "Transport", "Connected since", "Subscriptions"].map((label) => h("th", null, label)),
              ),
            ),
            h(
              "tbody",
              null,
              sockets.map((socket) =>
                h(
                  "tr",
                  { "data-socket": socket.socketId, "data-node": socket.nodeId },
                  h("td", null, socket.nodeId),
                  h("td", { class: "mono" }, socket.socketId),
                  h("td", null, socket.role),
                  h("td", null, socket.transport),
                  h("td", { title: socket.connectedAt }, `${clockTime(socket.connectedAt)} (${timeAgo(socket.connectedAt)})`),
                  h("td", { class: "wrap" }, socket.topics.length === 0 ? "none" : socket.topics.join(", ")),
                ),
              ),
            ),
          ),
        ),
      );
    } catch (error) {
      if (mine === request) replaceChildren(result, errorBox(error));
    }
  };
  const form = h(
    "form",
    {
      class: "inline-form",
      onsubmit: (event: Event) => {
        event.preventDefault();
        void look();
      },
    },
    h("label", { for: "sockets-of" }, "Player"),
    input,
    h("button", { type: "submit" }, "Find connections"),
  );
  const el = h(
    "section",
    { class: "card cluster-connections" },
    h("h3", null, "Connections of a player"),
    h("p", { class: "muted small" }, "Every socket of this id on every node: transport, connected since, subscriptions."),
    form,
    result,
  );
  return {
    el,
    destroy() {
      request++;
    },
  };
}
