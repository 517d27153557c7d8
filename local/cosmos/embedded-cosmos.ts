import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { createHttpsServer } from "@vercel/cosmosdb-server";
import { ensureLocalCertificate, type LocalCertificate } from "../certs";
import { RealClock, type CancelTimer, type Clock } from "../clock";
import { createCosmosClient } from "../../shared/azure/cosmos-client";
import { ensureCosmosContainers } from "../../shared/store/containers";
import { COSMOS_EMULATOR_KEY } from "./emulator-key";
import { dumpAccount, readSnapshot, restoreAccount, RestoredTimestamps, writeSnapshot } from "./snapshot";
import { WriteTracker } from "./write-tracker";

export interface EmbeddedCosmosOptions {
  /** Holds `cosmos/snapshot.json` (and `certs/` when no certificate is given). */
  dataDir: string;
  /** 0 = any free port (tests). `npm start` uses 8081, the emulator's port. */
  port?: number;
  host?: string;
  /** Defaults to `ensureLocalCertificate(dataDir)`, the CA the simulator serves too. */
  cert?: LocalCertificate;
  /** Database created at start with the platform's containers. */
  database?: string;
  /** Drives the snapshot debounce; a VirtualClock also waits for this server in `waitForIdle`. */
  clock?: Clock;
  /** How long after the last write the snapshot is taken. */
  snapshotDebounceMs?: number;
  /** Wall-clock seconds for TTL expiry at load: cosmosdb-server stamps `_ts` from the real clock. */
  nowSeconds?: () => number;
}

export interface EmbeddedCosmos {
  /** `https://127.0.0.1:<port>/` */
  readonly endpoint: string;
  readonly key: string;
  readonly port: number;
  /** The CA a client must trust (`<dataDir>/certs/local-ca.pem` by default). */
  readonly caPath: string;
  readonly snapshotPath: string;
  /** Saves a snapshot now (waits for requests in flight first). */
  flush(): Promise<void>;
  /** Resolves when no request is in flight and no snapshot is being written. */
  waitForIdle(): Promise<void>;
  /** Saves a final snapshot, then closes the server. Stop clients' writes first: later ones are lost. */
  stop(): Promise<void>;
}

export const DEFAULT_COSMOS_PORT = 8081;
const DEFAULT_DEBOUNCE_MS = 500;

/**
 * Cosmos DB for local runs: `@vercel/cosmosdb-server` speaks the Cosmos REST protocol, so the real
 * `@azure/cosmos` client works against it. It keeps everything in memory; this wrapper saves every
 * database, container and document to `<dataDir>/cosmos/snapshot.json` through the REST API
 * (debounced after writes, and on stop) and reloads it at start, so a restart keeps the data.
 *
 * Known differences from Cosmos DB: TTL is not enforced while running (cosmosdb-server ignores
 * `defaultTtl` and `ttl`); expired documents are dropped when a snapshot is loaded. Queries
 * ignore the partition-key header (repositories put the partition filter in the SQL too).
 * ETags change across a restart (documents are recreated), which callers see as a 412.
 */
export async function startEmbeddedCosmos(options: EmbeddedCosmosOptions): Promise<EmbeddedCosmos> {
  const cert = options.cert ?? (await ensureLocalCertificate(options.dataDir));
  const clock = options.clock ?? new RealClock();
  const debounceMs = options.snapshotDebounceMs ?? DEFAULT_DEBOUNCE_MS;
  const databaseName = options.database ?? "aksops";
  const snapshotPath = join(options.dataDir, "cosmos", "snapshot.json");
  const nowSeconds = options.nowSeconds ?? ((): number => Math.floor(Date.now() / 1000));

  // TLS 1.2 at least: cosmosdb-server's own default allows TLS 1.0.
  // keepAlive: cosmosdb-server otherwise answers every request with `connection: close`, so each
  // Cosmos call paid a new TLS handshake (most of the platform's CPU in a 500-cluster rollout).
  const server = createHttpsServer({ cert: cert.cert, key: cert.key, minVersion: "TLSv1.2", keepAlive: true });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? DEFAULT_COSMOS_PORT, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  // The server names itself after the address it listens on; 127.0.0.1 avoids localhost resolving to ::1.
  const endpoint = `https://${options.host ?? "127.0.0.1"}:${port}/`;
  const client = createCosmosClient({
    mode: "local",
    cosmos: { endpoint, database: databaseName, key: COSMOS_EMULATOR_KEY },
    localCaPath: cert.caPath
  });

  const restored = new RestoredTimestamps();
  try {
    const snapshot = await readSnapshot(snapshotPath);
    if (snapshot) await restoreAccount(client, snapshot, nowSeconds(), restored);
    await ensureCosmosContainers(client, databaseName);
  } catch (err) {
    client.dispose();
    server.close();
    server.closeAllConnections();
    throw err;
  }

  let saving: Promise<void> = Promise.resolve();
  let pendingTimer: CancelTimer | undefined;
  let dirty = false;

  /** Snapshots run one at a time; a write during a snapshot marks it dirty for the next one. */
  const save = (): Promise<void> => {
    // A failed snapshot must not block the next one: chain on the previous outcome, not its success.
    saving = saving.catch(() => undefined).then(async () => {
      dirty = false;
      const snapshot = await dumpAccount(client, restored, new Date(clock.now()).toISOString());
      await writeSnapshot(snapshotPath, snapshot);
    });
    return saving;
  };
  const schedule = (): void => {
    dirty = true;
    if (pendingTimer) return;
    pendingTimer = clock.setTimer(clock.now() + debounceMs, () => {
      pendingTimer = undefined;
      if (dirty) save().catch((err: unknown) => console.error(`embedded Cosmos: snapshot to ${snapshotPath} failed`, err));
    });
  };

  const tracker = new WriteTracker(server, schedule);
  await save();

  const waitForIdle = async (): Promise<void> => {
    for (;;) {
      await tracker.idle();
      const current = saving;
      await current.catch(() => undefined);
      if (current === saving) return;
    }
  };
  const unregisterProbe = clock.registerIdleProbe(waitForIdle);

  let stopped = false;
  return {
    endpoint,
    key: COSMOS_EMULATOR_KEY,
    port,
    caPath: cert.caPath,
    snapshotPath,
    flush: async () => {
      await tracker.idle();
      await save();
    },
    waitForIdle,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      unregisterProbe();
      pendingTimer?.();
      pendingTimer = undefined;
      try {
        await tracker.idle();
        await save();
      } finally {
        client.dispose();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      }
    }
  };
}
