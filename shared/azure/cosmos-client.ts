import { CosmosClient } from "@azure/cosmos";
import type { AppConfig } from "../config";
import { createCredential } from "./credential";
import { trustedAgent } from "./local-trust";

export type CosmosClientSettings = Pick<AppConfig, "mode" | "cosmos" | "localCaPath" | "managedIdentityClientId">;

const cache = new WeakMap<CosmosClientSettings, CosmosClient>();

/**
 * The Cosmos client, built once per config. Locally: the emulator key, the local CA trusted through
 * the client's own `agent`, and endpoint discovery off, because the embedded server advertises
 * `localhost` as its regional endpoint while we may address it as 127.0.0.1 (and the Azure
 * emulator docs recommend the same). In Azure: the account key when COSMOS_KEY is set, otherwise
 * the managed identity (Cosmos DB data-plane RBAC).
 */
export function createCosmosClient(settings: CosmosClientSettings): CosmosClient {
  const cached = cache.get(settings);
  if (cached) return cached;
  const { endpoint, key } = settings.cosmos;
  const agent = trustedAgent(settings);
  const client = new CosmosClient({
    endpoint,
    ...(key ? { key } : { aadCredentials: createCredential(settings) }),
    ...(agent ? { agent, connectionPolicy: { enableEndpointDiscovery: false } } : {})
  });
  cache.set(settings, client);
  return client;
}
