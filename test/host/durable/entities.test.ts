/** Durable entities are deferred: an app that registers one is refused at start with a clear error. */
import * as fs from "node:fs";
import * as path from "node:path";
import { VirtualClock } from "../../../local/clock";
import { MemoryLogger, startHost } from "../../../local/host";
import { createDurableExtension } from "../../../local/host/durable";
import { tempDir } from "./support";

test("registering an entity makes the durable extension refuse to start", async () => {
  const appDir = tempDir("durable-entities-app-");
  fs.writeFileSync(path.join(appDir, "package.json"), JSON.stringify({ name: "entities", main: "index.js" }));
  fs.writeFileSync(path.join(appDir, "index.js"), `require(${JSON.stringify(path.resolve(__dirname, "../../fixtures/durable-entities/app.js"))});\n`);
  await expect(startHost({
    appDir, clock: new VirtualClock(), dataDir: tempDir("durable-entities-data-"), port: 0,
    extensions: [createDurableExtension()], logger: new MemoryLogger().log,
  })).rejects.toThrow("Durable entities are not supported by the local host (registered entity functions: counter)");
});
