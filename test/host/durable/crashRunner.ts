/**
 * A host in its own process for the crash test: `node crashRunner.js <dataDir> <markerDir>` starts
 * the fixture app on the real clock and prints `READY <baseUrl>`; the test SIGKILLs it at will.
 */
import { RealClock } from "../../../local/clock";
import { startHost } from "../../../local/host";
import { createDurableExtension } from "../../../local/host/durable";
import { fixtureAppDir } from "./support";

async function main(): Promise<void> {
  const [dataDir, markerDir] = process.argv.slice(2);
  if (!dataDir || !markerDir) throw new Error("usage: crashRunner <dataDir> <markerDir>");
  const host = await startHost({
    appDir: fixtureAppDir(),
    clock: new RealClock(),
    dataDir,
    port: 0,
    settings: { MARKER_DIR: markerDir },
    extensions: [createDurableExtension()],
    logger: () => undefined,
  });
  process.stdout.write(`READY ${host.baseUrl}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
