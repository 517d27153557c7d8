export { startEmbeddedCosmos, DEFAULT_COSMOS_PORT } from "./embedded-cosmos";
export type { EmbeddedCosmos, EmbeddedCosmosOptions } from "./embedded-cosmos";
export { COSMOS_EMULATOR_KEY } from "./emulator-key";
export { isExpired, SNAPSHOT_FORMAT } from "./snapshot";
export type { CosmosSnapshot } from "./snapshot";
export { MAX_ID_LENGTH, MAX_ITEM_BYTES, invalidCosmosId } from "./durable-writes";
export { CosmosFaults } from "./faults";
export type { CosmosThrottle } from "./faults";
