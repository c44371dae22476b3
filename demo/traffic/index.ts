import type { Traffic } from "../simulator";
import { cartTraffic } from "./cart";
import { inventoryTraffic } from "./inventory";
import { presenceTraffic } from "./presence";
import { stockTraffic } from "./stock";
import { tradeTraffic } from "./trade";

/** Every domain's demo traffic; a domain adds one module beside this file and one entry here. */
export const traffic: readonly Traffic[] = [inventoryTraffic, cartTraffic, tradeTraffic, presenceTraffic, stockTraffic];
