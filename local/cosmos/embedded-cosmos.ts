import { existsSync, renameSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { createHttpsServer } from "@vercel/cosmosdb-server";
import { ensureLocalCertificate, type LocalCertificate } from "../certs";
import { RealClock, type Clock } from "../clock";
import { createCosmosClient } from "../../shared/azure/cosmos-client";
import { ensureCosmosContainers } from "../../shared/store/containers";
import { COSMOS_EMULATOR_KEY } from "./emulator-key";
import { journalWrites } from "./durable-writes";
import { CosmosFaults } from "./faults";
import { CosmosJournal, partitionKeyOf } from "./journal";
import { readSnapshot, restoreAccount } from "./snapshot";
import { WriteTracker } from "./write-tracker";

export interface EmbeddedCosmosOptions {
  /** Holds `cosmos/cosmos.sqlite` (and `certs/` when no certificate is given). */
  dataDir: string;
  /** 0 = any free port (tests). `npm start` uses 8081, the emulator's port. */
  port?: number;
  host?: string;
  /** Defaults to `ensureLocalCertificate(dataDir)`, the CA the simulator serves too. */
  cert?: LocalCertificate;
  /** Database created at start with the platform's containers. */
  database?: string;
  /** A VirtualClock waits for this server's requests in `waitForIdle`. */
  clock?: Clock;
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
  /** The SQLite journal every acknowledged write is committed to before it is answered. */
  readonly storePath: string;
  /** Faults to inject (tests): e.g. `faults.throttle({ count: 20 })` answers the next 20 document writes 429. */
  readonly faults: CosmosFaults;
  /** Resolves when the requests in flight are answered (their writes are then on disk). */
  flush(): Promise<void>;
  /** Resolves when no request is in flight. */
  waitForIdle(): Promise<void>;
  /** Waits for requests in flight, then closes the server and the journal. */
  stop(): Promise<void>;
}

export const DEFAULT_COSMOS_PORT = 8081;

/**
 * Cosmos DB for local runs: `@vercel/cosmosdb-server` speaks the Cosmos REST protocol, so the real
 * `@azure/cosmos` client works against it. It keeps everything in memory; under it, every
 * acknowledged write (database, container, document) is committed to `<dataDir>/cosmos/cosmos.sqlite`
 * before the response leaves (`durable-writes.ts`), so a SIGKILL loses nothing a client was told
 * was written; at start the journal is loaded back into the server. It also refuses what Cosmos
 * refuses and cosmosdb-server would accept: ids over 255 characters or with `/ \ ? #`, items over 2 MB.
 *
 * Known differences from Cosmos DB: TTL is not enforced while running (cosmosdb-server ignores
 * `defaultTtl` and `ttl`); expired documents are dropped when the journal is loaded. Queries
 * ignore the partition-key header (repositories put the partition filter in the SQL too).
 * ETags change across a restart (documents are recreated), which callers see as a 412.
 */
export async function startEmbeddedCosmos(options: EmbeddedCosmosOptions): Promise<EmbeddedCosmos> {
  const cert = options.cert ?? (await ensureLocalCertificate(options.dataDir));
  const clock = options.clock ?? new RealClock();
  const databaseName = options.database ?? "aksops";
  const storePath = join(options.dataDir, "cosmos", "cosmos.sqlite");
  const legacySnapshotPath = join(options.dataDir, "cosmos", "snapshot.json");
  const nowSeconds = options.nowSeconds ?? ((): number => Math.floor(Date.now() / 1000));
  const journal = new CosmosJournal(storePath);

  // TLS 1.2 at least: cosmosdb-server's own default allows TLS 1.0.
  // keepAlive: cosmosdb-server otherwise answers every request with `connection: close`, so each
  // Cosmos call paid a new TLS handshake (most of the platform's CPU in a 500-cluster rollout).
  const server = createHttpsServer({ cert: cert.cert, key: cert.key, minVersion: "TLSv1.2", keepAlive: true });
  let journaling = false;
  const faults = new CosmosFaults();
  journalWrites(server, journal, () => journaling, faults);
  const tracker = new WriteTracker(server);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? DEFAULT_COSMOS_PORT, options.host ?? "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (err) {
    journal.close();
    throw err;
  }
  const { port } = server.address() as AddressInfo;
  // The server names itself after the address it listens on; 127.0.0.1 avoids localhost resolving to ::1.
  const endpoint = `https://${options.host ?? "127.0.0.1"}:${port}/`;
  const client = createCosmosClient({
    mode: "local",
    cosmos: { endpoint, database: databaseName, key: COSMOS_EMULATOR_KEY },
    localCaPath: cert.caPath
  });

  try {
    // A data dir written by an earlier version holds a JSON snapshot: the journal takes it over once.
    if (journal.isEmpty() && existsSync(legacySnapshotPath)) {
      const legacy = await readSnapshot(legacySnapshotPath);
      if (legacy) journal.importSnapshot(legacy);
      renameSync(legacySnapshotPath, `${legacySnapshotPath}.imported`);
    }
    // The journal already holds what is restored: the restore itself is not journaled (it would
    // restamp `_ts` and restart every TTL).
    await restoreAccount(client, journal.load(), nowSeconds(), (db, definition, item) => {
      if (typeof item.id === "string") journal.deleteDocument(db, String(definition.id), item.id, partitionKeyOf(definition, item));
    });
    journaling = true;
    await ensureCosmosContainers(client, databaseName);
  } catch (err) {
    client.dispose();
    server.close();
    server.closeAllConnections();
    journal.close();
    throw err;
  }

  const waitForIdle = (): Promise<void> => tracker.idle();
  const unregisterProbe = clock.registerIdleProbe(waitForIdle);

  let stopped = false;
  return {
    endpoint,
    key: COSMOS_EMULATOR_KEY,
    port,
    caPath: cert.caPath,
    storePath,
    faults,
    flush: waitForIdle,
    waitForIdle,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      unregisterProbe();
      try {
        await tracker.idle();
      } finally {
        client.dispose();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        journal.close();
      }
    }
  };
}
