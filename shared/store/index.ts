import type { CosmosClient } from "@azure/cosmos";
import { ClusterRepository } from "./cluster-repository";
import { ContainerNames } from "./containers";
import { EventRepository } from "./event-repository";
import { FindingRepository } from "./finding-repository";
import type { NowSource } from "./now";
import { OperationRepository } from "./operation-repository";

export interface Store {
  clusters: ClusterRepository;
  operations: OperationRepository;
  events: EventRepository;
  findings: FindingRepository;
}

/**
 * The repositories over one database. Cheap: it only makes container references (no I/O), so
 * activities can build it from the cached client on each call.
 */
export function createStore(client: CosmosClient, databaseName: string, clock: NowSource): Store {
  const database = client.database(databaseName);
  return {
    clusters: new ClusterRepository(database.container(ContainerNames.clusters), clock),
    operations: new OperationRepository(database.container(ContainerNames.operations), clock),
    events: new EventRepository(database.container(ContainerNames.events)),
    findings: new FindingRepository(database.container(ContainerNames.findings))
  };
}

export { ClusterRepository, clusterKey } from "./cluster-repository";
export { OperationRepository } from "./operation-repository";
export type { OperationQuery } from "./operation-repository";
export { EventRepository } from "./event-repository";
export type { RecordOutcome } from "./event-repository";
export { FindingRepository } from "./finding-repository";
export { Collection, DEFAULT_MUTATE_ATTEMPTS } from "./collection";
export { cosmosId, decodeCosmosId, COSMOS_ID_MAX_LENGTH } from "./ids";
export type { Mutation } from "./collection";
export { ensureCosmosContainers, containerDefinitions, ContainerNames, EVENTS_DEFAULT_TTL_SECONDS } from "./containers";
export type { ContainerName } from "./containers";
export { StoreError, DuplicateError, NotFoundError, ConcurrencyError, cosmosStatus } from "./errors";
export type { NowSource } from "./now";
export { isoNow } from "./now";
export * from "./types";
