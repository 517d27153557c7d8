import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CosmosClient } from "@azure/cosmos";
import { VirtualClock } from "../../../local/clock";
import { startEmbeddedCosmos, type EmbeddedCosmos } from "../../../local/cosmos";
import { createCosmosClient } from "../../../shared/azure";
import { createStore, type Store } from "../../../shared/store";

export interface StoreFixture {
  cosmos: EmbeddedCosmos;
  client: CosmosClient;
  clock: VirtualClock;
  store: Store;
  dataDir: string;
  /** Stops the server and starts a new one on the same data dir (a restart). */
  restart(): Promise<void>;
  dispose(): Promise<void>;
}

/** An embedded Cosmos on a free port and a temporary data dir, with the real client built by shared/azure. */
export async function startStoreFixture(): Promise<StoreFixture> {
  const dataDir = mkdtempSync(join(tmpdir(), "aksops-store-"));
  const clock = new VirtualClock("2026-03-02T09:00:00Z");
  const connect = async (): Promise<Pick<StoreFixture, "cosmos" | "client" | "store">> => {
    const cosmos = await startEmbeddedCosmos({ dataDir, port: 0, clock });
    const client = createCosmosClient({
      mode: "local",
      cosmos: { endpoint: cosmos.endpoint, database: "aksops", key: cosmos.key },
      localCaPath: cosmos.caPath
    });
    return { cosmos, client, store: createStore(client, "aksops", clock) };
  };
  const fixture: StoreFixture = {
    ...(await connect()),
    clock,
    dataDir,
    restart: async () => {
      fixture.client.dispose();
      await fixture.cosmos.stop();
      Object.assign(fixture, await connect());
    },
    dispose: async () => {
      fixture.client.dispose();
      await fixture.cosmos.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  };
  return fixture;
}
