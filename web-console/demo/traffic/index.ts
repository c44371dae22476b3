import type { Traffic } from "../simulator";
import { inventoryTraffic } from "./inventory";

/** Every domain's demo traffic; a domain adds one module beside this file and one entry here. */
export const traffic: readonly Traffic[] = [inventoryTraffic];
