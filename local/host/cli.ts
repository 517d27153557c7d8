/**
 * `aksops-host <appDir> [--port 7071] [--data-dir <dir>]`: runs a v4 Node function app folder like
 * `func start` does. Settings come from `<appDir>/local.settings.json` `Values`, then the
 * environment (which wins, as with func). `--port 0` picks a free port; the URLs printed name it.
 */
import { HOST_KEY_SETTING, MASTER_KEY_SETTING, SYSTEM_KEY_SETTINGS } from "./http/keys";
import fs from "node:fs";
import path from "node:path";
import { RealClock } from "../clock";
import { startHost, type LocalHostHandle } from "./index";
import { describeFunctions } from "./describe";
import { redactError } from "./redact";

export class CliUsageError extends Error {
  override readonly name = "CliUsageError";
}

export interface CliOptions {
  appDir: string;
  port: number;
  dataDir: string;
}

export function parseArgs(argv: readonly string[]): CliOptions {
  let appDir: string | undefined;
  let port = 7071;
  let dataDir: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new CliUsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === "--port" || flag === "-p") {
      port = Number(value());
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliUsageError(`--port must be 0-65535`);
    } else if (flag === "--data-dir") {
      dataDir = value();
    } else if (flag.startsWith("-")) {
      throw new CliUsageError(`unknown option ${flag}`);
    } else if (appDir === undefined) {
      appDir = arg;
    } else {
      throw new CliUsageError(`unexpected argument ${arg}`);
    }
  }
  const dir = path.resolve(appDir ?? ".");
  return { appDir: dir, port, dataDir: path.resolve(dataDir ?? path.join(dir, ".data")) };
}

/** `local.settings.json` `Values`, overridden by the environment for the same names. */
export function readLocalSettings(appDir: string, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const file = path.join(appDir, "local.settings.json");
  const settings: Record<string, string> = {};
  if (fs.existsSync(file)) {
    const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as { Values?: Record<string, unknown> };
    for (const [key, value] of Object.entries(parsed.Values ?? {})) {
      if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") settings[key] = String(value);
      const fromEnv = env[key];
      if (fromEnv !== undefined) settings[key] = fromEnv;
    }
  }
  return settings;
}

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<LocalHostHandle> {
  const options = parseArgs(argv);
  const clock = new RealClock();
  const host = await startHost({ appDir: options.appDir, clock, settings: { ...keySettingsFromEnv(), ...readLocalSettings(options.appDir) }, port: options.port, dataDir: options.dataDir });
  console.log(describeFunctions(host));
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal} received: stopping the host`);
    host.stop().then(() => process.exit(0), (err: unknown) => {
      console.error(redactError(err));
      process.exit(1);
    });
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  return host;
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof CliUsageError ? `aksops-host: ${err.message}\nusage: aksops-host <appDir> [--port 7071] [--data-dir <dir>]` : redactError(err));
    process.exit(err instanceof CliUsageError ? 2 : 1);
  });
}

/** Key overrides are app settings: in Azure they come from the environment, as here. */
function keySettingsFromEnv(): Record<string, string> {
  const names = [MASTER_KEY_SETTING, HOST_KEY_SETTING, ...Object.values(SYSTEM_KEY_SETTINGS)];
  return Object.fromEntries(names.flatMap((n) => (process.env[n] ? [[n, process.env[n]]] : [])));
}
