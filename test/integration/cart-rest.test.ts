import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { itemDefinition, newOpId, startServer, type TestServer } from "../support/server";

/** A REST caller with one token; resolves to the status and the JSON body. */
function rest(url: string, token: string) {
  return async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as any };
  };
}

describe("carts over REST, across a restart", () => {
  const dir = mkdtempSync(join(tmpdir(), "hoard-cart-"));
  const env = { HOARD_DB: join(dir, "hoard.db"), HOARD_SQLITE_SYNCHRONOUS: "NORMAL" };
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps the cart and the catalog in the store, and checks out after a restart", async () => {
    server = await startServer({ env });
    let gm = rest(server.url, await server.token("server", "game"));
    const created = await gm("POST", "/api/v1/items", itemDefinition({ name: "Lantern" }));
    const itemId: string = created.body.data.item.id;
    expect((await gm("PUT", `/api/v1/shop/prices/${itemId}/gold`, { price: 12 })).body.data.entry.current).toEqual({
      price: 12,
      specialSale: false,
    });
    await gm("POST", "/api/v1/players", { id: "carol", opId: newOpId() });
    await gm("POST", "/api/v1/players/carol/ops", { opId: newOpId(), ops: [{ type: "credit", currency: "gold", amount: 100 }] });

    let carol = rest(server.url, await server.token("player", "carol"));
    const added = await carol("POST", "/api/v1/players/carol/cart/lines", { opId: newOpId(), itemId, offeredPrice: 12, itemCount: 5 });
    expect(added).toMatchObject({ status: 200, body: { ok: true, data: { totals: { gold: 60 } } } });
    const tampered = await carol("POST", "/api/v1/players/carol/cart/lines", { opId: newOpId(), itemId, offeredPrice: 2 });
    expect(tampered).toMatchObject({ status: 409, body: { ok: false, error: { code: "CART_PRICE_CHANGED" } } });
    expect((await carol("PUT", `/api/v1/players/carol/cart/lines/${itemId}`, { opId: newOpId(), itemCount: 4 })).status).toBe(200);

    await server.close();
    server = await startServer({ env });
    gm = rest(server.url, await server.token("server", "game"));
    carol = rest(server.url, await server.token("player", "carol"));

    expect((await carol("GET", "/api/v1/players/carol/cart")).body.data).toMatchObject({
      cart: { lines: { [itemId]: { itemCount: 4, offeredPrice: 12 } } },
      totals: { gold: 48 },
    });
    const checkout = await carol("POST", "/api/v1/players/carol/cart/checkout", { opId: newOpId() });
    expect(checkout).toMatchObject({ status: 200, body: { data: { order: { totals: { gold: 48 } }, replayed: false } } });
    expect((await carol("GET", "/api/v1/players/carol/orders")).body.data.orders).toEqual([checkout.body.data.order]);
    expect((await gm("GET", "/api/v1/players/carol")).body.data.player.wallet).toEqual({ gold: 52 });
    expect((await carol("DELETE", "/api/v1/players/carol/cart/lines/" + itemId + "?opId=" + newOpId())).body).toMatchObject({
      ok: false,
      error: { code: "CART_LINE_NOT_FOUND" },
    });
    expect((await carol("PUT", `/api/v1/shop/prices/${itemId}/gold`, { price: 1 })).status).toBe(403);
  });

  it("documents every cart and shop route in the OpenAPI document", async () => {
    server = await startServer({ env });
    const document = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as { paths: Record<string, Record<string, any>> };
    const operations = Object.values(document.paths).flatMap((methods) => Object.values(methods).map((operation) => operation.operationId));
    expect(operations).toEqual(
      expect.arrayContaining([
        "cart:get",
        "cart:add",
        "cart:update",
        "cart:remove",
        "cart:clear",
        "cart:checkout",
        "cart:orders",
        "shop:put",
        "shop:list",
        "shop:remove",
      ]),
    );
    const add = document.paths["/api/v1/players/{playerId}/cart/lines"]?.post;
    expect(Object.keys(add?.requestBody.content["application/json"].schema.properties)).toEqual(
      expect.arrayContaining(["itemId", "offeredPrice", "itemCount", "specialSale", "saleExpiration", "currency", "category"]),
    );
  });
});
