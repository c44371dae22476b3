import { HoardError, type Role, Role as RoleSchema } from "@hoard/protocol";
import { mintToken } from "@hoard/protocol/tokens";
import { errors as joseErrors, jwtVerify } from "jose";
import { z } from "zod";

/** Who is calling: the token's `sub` and `role`. */
export interface Principal {
  sub: string;
  role: Role;
  /** Seconds since the epoch; the connection is closed when it passes. */
  exp?: number;
}

const Claims = z.object({ sub: z.string().min(1).max(128), role: RoleSchema, exp: z.number().optional() });

/** Verifies and mints HS256 tokens with one secret. */
export class TokenService {
  private readonly key: Uint8Array;

  constructor(private readonly secret: string) {
    this.key = new TextEncoder().encode(secret);
  }

  async verify(token: string): Promise<Principal> {
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ["HS256"] });
      const claims = Claims.safeParse(payload);
      if (!claims.success) throw new HoardError("AUTH_UNAUTHENTICATED", "the token lacks a valid sub and role");
      return claims.data.exp === undefined
        ? { sub: claims.data.sub, role: claims.data.role }
        : { sub: claims.data.sub, role: claims.data.role, exp: claims.data.exp };
    } catch (error) {
      if (error instanceof HoardError) throw error;
      if (error instanceof joseErrors.JWTExpired) throw new HoardError("AUTH_TOKEN_EXPIRED", undefined, { cause: error });
      throw new HoardError("AUTH_UNAUTHENTICATED", "the token is not valid", { cause: error });
    }
  }

  /**
   * The same minting game backends use (`@hoard/client-sdk/server`), so what they mint is what this verifies.
   * @param expiresIn a jose time span such as "1h" or "30d"; omit for a token that never expires.
   */
  mint(claims: { sub: string; role: Role; expiresIn?: string }): Promise<string> {
    return mintToken({ secret: this.secret, ...claims });
  }
}
