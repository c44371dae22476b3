import { Role } from "@hoard/protocol";
import { signingSecret } from "./auth/dev-secret";
import { TokenService } from "./auth/tokens";
import { ConfigError, loadConfig } from "./config";
import { parseCommand, UsageError } from "./lib/cli-args";
import { stockCommand, stockUsage } from "./stock/cli";
import { version } from "./version";

const tokenUsage = `  hoard token --role ROLE [--sub ID] [--expires SPAN]
                                               mint a token signed with HOARD_SECRET
                                               (or, in dev mode, data/dev-secret)
      ROLE   player | server | admin | viewer (read-only console)
      ID     the player id (required for a player token), or the service's name
             (default for server, admin and viewer: the role)
      SPAN   e.g. 1h, 7d (default: 24h; "never" for no expiry)`;

const usage = `Usage:
  hoard start                                  run a node (same as npm start)
${tokenUsage}
${stockUsage}
  hoard --version                              print the version
  hoard COMMAND --help                         this text for one command`;

async function tokenCommand(args: string[]): Promise<number> {
  const parsed = parseCommand(args, { role: { type: "string" }, sub: { type: "string" }, expires: { type: "string" } }, tokenUsage);
  if (parsed === "help") {
    console.log(`Usage:\n${tokenUsage}`);
    return 0;
  }
  const { values, positionals } = parsed;
  if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals[0]}`, tokenUsage);
  const role = Role.safeParse(values.role);
  if (!role.success) throw new UsageError("--role must be player, server, admin or viewer", tokenUsage);
  // A player token names the player it acts for: defaulting it would mint a token for a player called "player".
  if (role.data === "player" && values.sub === undefined)
    throw new UsageError("--sub is required for a player token (the player id)", tokenUsage);
  const { secret } = signingSecret(loadConfig(process.env));
  const expires = values.expires ?? "24h";
  const token = await new TokenService(secret).mint({
    sub: values.sub ?? role.data,
    role: role.data,
    ...(expires === "never" ? {} : { expiresIn: expires }),
  });
  console.log(token);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "start":
      await import("./main");
      return -1;
    case "token":
      return tokenCommand(rest);
    case "stock":
      return stockCommand(rest, () => loadConfig(process.env));
    case "--version":
    case "-v":
    case "version":
      console.log(version);
      return 0;
    case undefined:
    case "help":
    case "--help":
    case "-h":
      console.log(usage);
      return 0;
    default:
      throw new UsageError(`unknown command: ${command}`, usage);
  }
}

try {
  const code = await main(process.argv.slice(2));
  if (code >= 0) process.exitCode = code;
} catch (error) {
  if (error instanceof UsageError) {
    console.error(`hoard: ${error.message}\n\n${error.usage.startsWith("Usage:") ? error.usage : `Usage:\n${error.usage}`}`);
    process.exitCode = 2;
  } else if (error instanceof ConfigError) {
    console.error(error.message);
    process.exitCode = 1;
  } else {
    console.error(error);
    process.exitCode = 1;
  }
}
