/**
 * Fixture apps live in test/fixtures/<name>/index.ts and are compiled to dist/ with everything else;
 * each test gets a temporary app folder whose package.json `main` points at the compiled entry
 * point (the fixture resolves `@azure/functions` from the repository's node_modules), and its own
 * data dir.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export interface FixtureApp {
  appDir: string;
  dataDir: string;
  remove(): void;
}

export function fixtureEntryPoint(name: string): string {
  return path.resolve(__dirname, "..", "fixtures", name, "index.js");
}

export function createFixtureApp(name: string, options: { hostJson?: object; localSettings?: object } = {}): FixtureApp {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `aksops-host-${name}-`));
  const appDir = path.join(root, "app");
  fs.mkdirSync(appDir);
  fs.writeFileSync(path.join(appDir, "package.json"), JSON.stringify({ name, version: "1.0.0", main: fixtureEntryPoint(name) }));
  fs.writeFileSync(path.join(appDir, "host.json"), JSON.stringify(options.hostJson ?? { version: "2.0" }));
  if (options.localSettings) {
    fs.writeFileSync(path.join(appDir, "local.settings.json"), JSON.stringify(options.localSettings));
  }
  return { appDir, dataDir: path.join(root, "data"), remove: () => fs.rmSync(root, { recursive: true, force: true }) };
}
