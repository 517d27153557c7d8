/**
 * `npm start` (after `npm run build`): the local Functions host on this app (the repository root),
 * port 7071 (`PORT` overrides), data in `.data/`. Settings come from `local.settings.json` and the
 * environment, as with `aksops-host`.
 */
import path from "node:path";
import { RealClock } from "./clock";
import { readLocalSettings } from "./host/cli";
import { describeFunctions } from "./host/describe";
import { startHost, type LocalHostHandle } from "./host/index";

const appDir = path.resolve(__dirname, "..", "..");

export async function main(): Promise<LocalHostHandle> {
  const port = process.env.PORT ? Number(process.env.PORT) : 7071;
  const host = await startHost({
    appDir,
    clock: new RealClock(),
    settings: readLocalSettings(appDir),
    port,
    dataDir: path.join(appDir, ".data")
  });
  console.log(describeFunctions(host));
  const stop = (): void => {
    host.stop().then(() => process.exit(0), (err: unknown) => {
      console.error(err);
      process.exit(1);
    });
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return host;
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
