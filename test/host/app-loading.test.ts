import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { VirtualClock } from "../../local/clock";
import { expandGlob, resolveEntryPoints, EntryPointError } from "../../local/host/entry-points";
import { loadApp, AppLoadError, startHost } from "../../local/host/index";
import * as functionsCore from "../../local/host/functions-core";
import { createFixtureApp } from "./fixture-app";

describe("@azure/functions-core as served by the host", () => {
  it("captures registrations only while an app loads, refuses duplicates and disposes", () => {
    const registry = new functionsCore.FunctionRegistry();
    functionsCore.beginAppLoad(registry);
    const metadata = { name: "f1", bindings: { t: { type: "timerTrigger", direction: "in" as const } } };
    const disposable = functionsCore.registerFunction(metadata, () => "ok");
    expect(() => functionsCore.registerFunction(metadata, () => "again")).toThrow('A function with id "f1" has already been registered.');
    disposable.dispose();
    expect(registry.functions.size).toBe(0);
    functionsCore.registerFunction(metadata, () => "ok");
    functionsCore.endAppLoad(registry);
    expect(() => functionsCore.registerFunction({ ...metadata, name: "late" }, () => "late")).toThrow("A function can only be registered during app startup.");
    expect(registry.functions.get("f1")?.callback()).toBe("ok");
  });

  it("combines disposables as the worker's Disposable.from does", () => {
    const calls: string[] = [];
    const all = functionsCore.Disposable.from({ dispose: () => calls.push("a") }, new functionsCore.Disposable(() => calls.push("b")));
    all.dispose();
    all.dispose();
    expect(calls).toEqual(["a", "b"]);
  });

  it("reports the worker and host versions", () => {
    expect(functionsCore.version).toMatch(/^3\./);
    expect(functionsCore.hostVersion).toMatch(/^4\./);
  });
});

describe("app loading", () => {
  it("re-registers the app for each host started in the same process", async () => {
    const fixture = createFixtureApp("eventgrid-app");
    try {
      const first = await loadApp(fixture.appDir);
      const second = await loadApp(fixture.appDir);
      expect([...first.functions.keys()]).toEqual(["onClusterEvent"]);
      expect([...second.functions.keys()]).toEqual(["onClusterEvent"]);
      expect(second.registry).not.toBe(first.registry);
      expect(second.registry.programmingModel?.name).toBe("@azure/functions");
      for (let i = 0; i < 2; i++) {
        const host = await startHost({ appDir: fixture.appDir, clock: new VirtualClock(), dataDir: fixture.dataDir, extensions: [], logger: () => undefined });
        expect([...host.functions.keys()]).toEqual(["onClusterEvent"]);
        await host.stop();
      }
    } finally {
      fixture.remove();
    }
  });

  it("fails with the entry point named when the app throws while loading", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aksops-broken-"));
    try {
      fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ main: "main.js" }));
      fs.writeFileSync(path.join(dir, "main.js"), "throw new Error('missing setting COSMOS_ENDPOINT');");
      await expect(loadApp(dir)).rejects.toThrow(AppLoadError);
      await expect(loadApp(dir)).rejects.toThrow(/entry point "main.js": missing setting COSMOS_ENDPOINT/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("resolves package.json main as a file or a glob, as the worker does", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aksops-glob-"));
    try {
      for (const file of ["dist/functions/a.js", "dist/functions/b.js", "dist/functions/nested/c.js", "dist/functions/readme.md", "dist/other/d.js"]) {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.writeFileSync(path.join(dir, file), "");
      }
      const rel = (files: string[]): string[] => files.map((f) => path.relative(dir, f));
      expect(rel(expandGlob(dir, "dist/functions/*.js"))).toEqual(["dist/functions/a.js", "dist/functions/b.js"]);
      expect(rel(expandGlob(dir, "dist/**/*.js"))).toEqual(["dist/functions/a.js", "dist/functions/b.js", "dist/functions/nested/c.js", "dist/other/d.js"]);
      expect(rel(expandGlob(dir, "dist/{functions,other}/?.js"))).toEqual(["dist/functions/a.js", "dist/functions/b.js", "dist/other/d.js"]);
      fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ main: "dist/functions/*.js" }));
      expect(rel(resolveEntryPoints(dir))).toEqual(["dist/functions/a.js", "dist/functions/b.js"]);
      fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ main: "dist/nothing/*.js" }));
      expect(() => resolveEntryPoints(dir)).toThrow(EntryPointError);
      fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ main: "dist/other/d" }));
      expect(rel(resolveEntryPoints(dir))).toEqual(["dist/other/d.js"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
