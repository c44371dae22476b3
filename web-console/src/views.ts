import type { ConsoleView } from "./view";
import { areasView } from "./views/areas/areas-view";
import { catalogView } from "./views/catalog/catalog-view";
import { clusterView } from "./views/cluster/cluster-view";
import { playersView } from "./views/players/players-view";
import { stockView } from "./views/stock/stock-view";
import { tradesView } from "./views/trades/trades-view";

/**
 * Every page of the console, in nav order. A domain adds its page by adding one module under
 * views/ and one line here; the first entry is the home page.
 */
export const views: readonly ConsoleView[] = [playersView, areasView, tradesView, stockView, catalogView, clusterView];
