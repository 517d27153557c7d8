/**
 * `npm run bench:engine`: throughput of the local durable engine with SQLite persistence on, through
 * the full host pipeline (startHost, the real durable-functions SDK, the fixture app):
 *   (a) many concurrent 5-activity sequences (activities/s across instances);
 *   (b) one 1,000-activity fan-out/fan-in (wall time).
 * Anchors (issue 2): Durable Functions on Azure Storage ~5 sequential and ~100 fan-out activities/s
 * per instance; Netherite 250-350 sequential activities/s per worker. Goal here: >= 500/s, fan-out < 5 s.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { RealClock } from "../../clock";
import { startHost, type LocalHostHandle } from "../index";
import { createDurableExtension, type DurableExtension } from "../durable";

const SEQUENCES = Number(process.env.BENCH_SEQUENCES ?? 200);
const FAN_OUT = Number(process.env.BENCH_FAN_OUT ?? 1000);

function fixtureAppDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-app-"));
  const entry = path.resolve(__dirname, "../../../test/fixtures/durable/app.js");
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "bench-app", main: "index.js" }));
  fs.writeFileSync(path.join(dir, "index.js"), `require(${JSON.stringify(entry)});\n`);
  return dir;
}

async function waitAllDone(durable: DurableExtension, ids: string[]): Promise<void> {
  await durable.waitForIdle();
  for (const id of ids) {
    const status = durable.management.getStatus(id);
    if (status?.runtimeStatus !== "Completed") throw new Error(`instance ${id} ended ${String(status?.runtimeStatus)}: ${JSON.stringify(status?.output)}`);
  }
}

type Stats = ReturnType<DurableExtension["stats"]>;
function describe(before: Stats, after: Stats): string {
  return `${after.episodes - before.episodes} episodes, ${after.checkpoints - before.checkpoints} SQLite transactions`;
}

/** CPU time of this process, so that numbers from a busy shared machine can be read. */
function cpuNote(since: NodeJS.CpuUsage, activities: number): string {
  const used = process.cpuUsage(since);
  const seconds = (used.user + used.system) / 1e6;
  return `${seconds.toFixed(2)} CPU-s = ${(activities / seconds).toFixed(0)} activities per CPU-second`;
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-data-"));
  const durable = createDurableExtension({ activityConcurrency: 10 });
  const host: LocalHostHandle = await startHost({
    appDir: fixtureAppDir(), clock: new RealClock(), dataDir, port: 0,
    settings: { MARKER_DIR: path.join(dataDir, "markers") }, extensions: [durable], logger: () => undefined,
  });
  try {
    // Warm-up (JIT, module caches), not measured.
    await waitAllDone(durable, Array.from({ length: 20 }, (_, i) => durable.management.startNew("sequence", { instanceId: `warm-${i}`, input: "1" }).instanceId));
    let before = durable.stats();
    let cpu0 = process.cpuUsage();
    let t0 = performance.now();
    const seqIds = Array.from({ length: SEQUENCES }, (_, i) => durable.management.startNew("sequence", { instanceId: `seq-${i}`, input: "1" }).instanceId);
    await waitAllDone(durable, seqIds);
    let seconds = (performance.now() - t0) / 1000;
    const activities = SEQUENCES * 5;
    console.log(`(a) ${SEQUENCES} concurrent 5-activity sequences: ${activities} activities in ${seconds.toFixed(2)} s = ${(activities / seconds).toFixed(0)} activities/s; ${describe(before, durable.stats())}; ${cpuNote(cpu0, activities)}`);
    before = durable.stats();
    cpu0 = process.cpuUsage();

    t0 = performance.now();
    const fan = durable.management.startNew("fanOut", { instanceId: "fan-out", input: String(FAN_OUT) });
    await waitAllDone(durable, [fan.instanceId]);
    seconds = (performance.now() - t0) / 1000;
    console.log(`(b) one ${FAN_OUT}-activity fan-out/fan-in: ${seconds.toFixed(2)} s = ${(FAN_OUT / seconds).toFixed(0)} activities/s; ${describe(before, durable.stats())}; ${cpuNote(cpu0, FAN_OUT)}`);
    console.log(`SQLite data: ${path.join(dataDir, "durable.sqlite")} (WAL, synchronous=NORMAL); activity concurrency 10; ${os.cpus().length} CPUs`);
  } finally {
    await host.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
