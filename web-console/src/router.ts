/**
 * Routes live in the URL fragment (`#/players/alice`), so the node serves the console as
 * plain static files and a reload keeps the page. The fragment `#token=…` is not a route: the
 * sign-in takes it (auth.ts) before the router starts.
 */
export interface Route {
  view: string;
  params: string[];
}

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#\/?/, "");
  const segments = path === "" ? [] : path.split("/").map(safeDecode);
  const [view = "", ...params] = segments;
  return { view, params };
}

export function routeHref(...segments: string[]): string {
  return `#/${segments.map(encodeURIComponent).join("/")}`;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
