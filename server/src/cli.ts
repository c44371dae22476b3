import { parseArgs } from "node:util";
import { Role } from "@hoard/protocol";
import { signingSecret } from "./auth/dev-secret";
import { TokenService } from "./auth/tokens";
import { ConfigError, loadConfig } from "./config";
import { stockCommand, stockUsage } from "./stock/cli";

const usage = `Usage:
  hoard start                                  run a node (same as npm start)
  hoard token --role ROLE [--sub ID] [--expires SPAN]
                                               mint a token signed with HOARD_SECRET
                                               (or, in dev mode, data/dev-secret)
      ROLE   player | server | admin
      ID     the player id, or the service's name (default: the role)
      SPAN   e.g. 1h, 7d (default: 24h; "never" for no expiry)
${stockUsage}`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === "start") {
    await import("./main");
    return -1;
  }
  if (command === "stock") return stockCommand(rest, loadConfig(process.env));
  if (command !== "token") {
    console.error(usage);
    return command === undefined || command === "help" || command === "--help" ? 0 : 2;
  }
  const { values } = parseArgs({ args: rest, options: { role: { type: "string" }, sub: { type: "string" }, expires: { type: "string" } } });
  const role = Role.safeParse(values.role);
  if (!role.success) {
    console.error(`--role must be player, server or admin\n\n${usage}`);
    return 2;
  }
  const config = loadConfig(process.env);
  const { secret } = signingSecret(config);
  const expires = values.expires ?? "24h";
  const token = await new TokenService(secret).mint({
    sub: values.sub ?? role.data,
    role: role.data,
    ...(expires === "never" ? {} : { expiresIn: expires }),
  });
  console.log(token);
  return 0;
}

try {
  const code = await main(process.argv.slice(2));
  if (code >= 0) process.exitCode = code;
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exitCode = 1;
}
