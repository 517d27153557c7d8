/** Tests are compiled by `tsc` with the rest of the project (`npm test` builds first) and run from dist/. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/dist/test"],
  testMatch: ["**/*.test.js"],
  moduleNameMapper: {
    // The Azure Node worker provides this module to the app; the local host serves its own.
    "^@azure/functions-core$": "<rootDir>/dist/local/host/functions-core.js"
  },
  testTimeout: 60000,
  maxWorkers: 2
};
