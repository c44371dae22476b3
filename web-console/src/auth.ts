/**
 * The admin token. It arrives in the URL fragment (`#token=…`, printed by `npm start` in dev
 * mode; a fragment is never sent to the server nor written to access logs) or is pasted into
 * the sign-in field. It is kept in sessionStorage (gone when the tab closes) and removed from
 * the address bar at once, so it does not end up in the history or a shared link.
 */
const storageKey = "hoard.console.token";

/** Takes `#token=…` out of the address bar; returns the token if there was one. */
export function takeTokenFromFragment(): string | undefined {
  const match = /^#token=([^&]+)/.exec(location.hash);
  if (!match?.[1]) return undefined;
  history.replaceState(null, "", `${location.pathname}${location.search}#/`);
  return decodeURIComponent(match[1]);
}

export function storedToken(): string | undefined {
  return sessionStorage.getItem(storageKey) ?? undefined;
}

export function storeToken(token: string): void {
  sessionStorage.setItem(storageKey, token);
}

export function forgetToken(): void {
  sessionStorage.removeItem(storageKey);
}

/** Who a token says it is. Read for display only: the node verifies the signature. */
export interface TokenClaims {
  sub: string;
  role: string;
  /** Seconds since the epoch. */
  exp?: number;
}

export function readClaims(token: string): TokenClaims | undefined {
  const payload = token.split(".")[1];
  if (!payload) return undefined;
  try {
    const json = atob(
      payload
        .replace(/-/g, "+")
        .replace(/_/g, "/")
        .padEnd(Math.ceil(payload.length / 4) * 4, "="),
    );
    const claims = JSON.parse(json) as Partial<TokenClaims>;
    if (typeof claims.sub !== "string" || typeof claims.role !== "string") return undefined;
    return { sub: claims.sub, role: claims.role, ...(typeof claims.exp === "number" ? { exp: claims.exp } : {}) };
  } catch {
    return undefined;
  }
}
