#!/usr/bin/env node
// Entry point of `npx aksops-host <appDir> [--port 7071] [--data-dir <dir>]`; the host is compiled to dist/ by `npm run build`.
"use strict";
const { main, CliUsageError } = require("../../../dist/local/host/cli.js");

main().catch((err) => {
  if (err instanceof CliUsageError) {
    console.error(`aksops-host: ${err.message}\nusage: aksops-host <appDir> [--port 7071] [--data-dir <dir>]`);
    process.exit(2);
  }
  console.error(err);
  process.exit(1);
});
