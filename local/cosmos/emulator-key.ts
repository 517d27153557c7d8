/**
 * The Azure Cosmos DB emulator's published master key (learn.microsoft.com, "Azure Cosmos DB
 * emulator": "Authenticate requests"). It is public by design; the embedded server accepts any
 * key, and using the emulator's makes local settings look like every other local Cosmos setup.
 */
export const COSMOS_EMULATOR_KEY = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";
