import type { ContainerDefinition, CosmosClient, Database } from "@azure/cosmos";

/** Events are kept for audit and deduplication; Event Grid retries for at most 24 hours, so 30 days is ample. */
export const EVENTS_DEFAULT_TTL_SECONDS = 30 * 24 * 3600;

export const ContainerNames = {
  clusters: "clusters",
  operations: "operations",
  events: "events",
  findings: "findings"
} as const;

export type ContainerName = (typeof ContainerNames)[keyof typeof ContainerNames];

/** The containers and their partition keys (DESIGN.md "Cosmos containers": contracts). */
export const containerDefinitions: readonly (ContainerDefinition & { id: ContainerName })[] = [
  { id: ContainerNames.clusters, partitionKey: { paths: ["/id"] } },
  { id: ContainerNames.operations, partitionKey: { paths: ["/clusterId"] } },
  // defaultTtl turns TTL on for the container; an item may shorten it with its own `ttl`.
  { id: ContainerNames.events, partitionKey: { paths: ["/id"] }, defaultTtl: EVENTS_DEFAULT_TTL_SECONDS },
  { id: ContainerNames.findings, partitionKey: { paths: ["/clusterId"] } }
];

/**
 * Creates the database and every container when missing; leaves existing ones alone (idempotent,
 * safe on every start). Used by the embedded Cosmos at start and by the platform in Azure, where
 * infra/ normally creates them first and this only confirms.
 */
export async function ensureCosmosContainers(client: CosmosClient, databaseName: string): Promise<Database> {
  const { database } = await client.databases.createIfNotExists({ id: databaseName });
  for (const definition of containerDefinitions) {
    await database.containers.createIfNotExists(definition);
  }
  return database;
}
