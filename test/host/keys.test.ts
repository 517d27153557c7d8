/**
 * Host keys as Azure keeps them: `host-keys.json` in `az functionapp keys list`'s shape (0600), the
 * Event Grid webhook behind `eventgrid_extension` or the master key, the durable HTTP API behind
 * `durabletask_extension` or the master key, and the former local file shape migrated.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { loadHostKeys } from "../../local/host/http/keys";
import { MemoryLogger, startHost, type LocalHostHandle } from "../../local/host";
import { VirtualClock } from "../../local/clock";
import { createDurableExtension } from "../../local/host/durable";
import { fixtureAppDir, tempDir } from "./durable/support";

test("host-keys.json has az's shape, mode 0600, and settings override without being written", () => {
  const dir = tempDir("keys-");
  const keys = loadHostKeys({ FUNCTIONS_SYSTEM_KEY_EVENTGRID_EXTENSION: "eg-from-setting" }, dir);
  const file = path.join(dir, "host-keys.json");
  const stored = JSON.parse(fs.readFileSync(file, "utf8")) as { masterKey: string; functionKeys: { default: string }; systemKeys: Record<string, string> };
  expect(Object.keys(stored).sort()).toEqual(["functionKeys", "masterKey", "systemKeys"]);
  expect(stored.masterKey).toBe(keys.master);
  expect(stored.functionKeys.default).toBe(keys.host);
  expect(stored.systemKeys.durabletask_extension).toBe(keys.system.durabletask_extension);
  expect(keys.system.eventgrid_extension).toBe("eg-from-setting");
  expect(stored.systemKeys.eventgrid_extension).not.toBe("eg-from-setting");
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  expect(loadHostKeys({}, dir)).toEqual({ ...keys, system: { ...keys.system, eventgrid_extension: stored.systemKeys.eventgrid_extension } });
});

test("a key file in the former local shape is migrated, keeping its keys", () => {
  const dir = tempDir("keys-old-");
  const file = path.join(dir, "host-keys.json");
  fs.writeFileSync(file, JSON.stringify({ master: "old-master", host: "old-host" }), { mode: 0o644 });
  const keys = loadHostKeys({}, dir);
  expect(keys.master).toBe("old-master");
  expect(keys.host).toBe("old-host");
  const stored = JSON.parse(fs.readFileSync(file, "utf8")) as { masterKey: string; functionKeys: { default: string }; systemKeys: Record<string, string> };
  expect(stored).toMatchObject({ masterKey: "old-master", functionKeys: { default: "old-host" } });
  expect(stored.systemKeys.durabletask_extension).toHaveLength(54);
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
});

describe("system endpoints need their system key or the master key", () => {
  let host: LocalHostHandle;
  beforeAll(async () => {
    host = await startHost({
      appDir: fixtureAppDir(), clock: new VirtualClock("2026-03-02T08:00:00Z"), dataDir: tempDir("keys-host-"), port: 0,
      settings: { MARKER_DIR: tempDir("keys-markers-") }, extensions: [createDurableExtension()], logger: new MemoryLogger().log,
    });
  });
  afterAll(async () => { await host.stop(); });

  const status = (url: string, init?: RequestInit): Promise<number> => fetch(url, init).then(async (r) => { await r.arrayBuffer(); return r.status; });

  it("the durable HTTP API: 401 without a key or with another key, 2xx with the durabletask key or the master key", async () => {
    const start = `${host.baseUrl}/runtime/webhooks/durabletask/orchestrators/sequence/keyed-1`;
    expect(await status(start, { method: "POST", body: "1" })).toBe(401);
    expect(await status(`${start}?code=${host.keys.system.eventgrid_extension}`, { method: "POST", body: "1" })).toBe(401);
    expect(await status(`${start}?code=${host.keys.host}`, { method: "POST", body: "1" })).toBe(401);
    const res = await fetch(`${start}?code=${host.keys.system.durabletask_extension}`, { method: "POST", body: "1" });
    expect(res.status).toBe(202);
    const links = (await res.json()) as { statusQueryGetUri: string };
    expect(new URL(links.statusQueryGetUri).searchParams.get("code")).toBe(host.keys.system.durabletask_extension);
    await host.waitForIdle();
    expect(await status(links.statusQueryGetUri)).toBe(200);
    const raise = `${host.baseUrl}/runtime/webhooks/durabletask/instances/keyed-1/raiseEvent/approvalDecision`;
    expect(await status(raise, { method: "POST", body: "{}" })).toBe(401);
    expect(await status(`${host.baseUrl}/runtime/webhooks/durabletask/instances/keyed-1`, { headers: { "x-functions-key": host.keys.master } })).toBe(200);
  });

  it("createCheckStatusResponse's management URLs carry the durabletask key, as in Azure", async () => {
    const res = await fetch(`${host.baseUrl}/api/orchestrators/sequence`, { method: "POST", body: "1" });
    expect(res.status).toBe(202);
    const links = (await res.json()) as Record<string, string>;
    for (const name of ["statusQueryGetUri", "sendEventPostUri", "terminatePostUri", "purgeHistoryDeleteUri"]) {
      expect(new URL(links[name]!.replace("{eventName}", "e").replace("{text}", "t")).searchParams.get("code")).toBe(host.keys.system.durabletask_extension);
    }
    await host.waitForIdle();
  });

  it("the Event Grid webhook: 401 without a key, accepted with the eventgrid key or the master key", async () => {
    const webhook = `${host.baseUrl}/runtime/webhooks/eventgrid?functionName=nope`;
    const post = (url: string): Promise<number> => status(url, { method: "POST", headers: { "content-type": "application/json", "aeg-event-type": "Notification" }, body: "[]" });
    expect(await post(webhook)).toBe(401);
    expect(await post(`${webhook}&code=${host.keys.system.durabletask_extension}`)).toBe(401);
    expect(await post(`${webhook}&code=${host.keys.system.eventgrid_extension}`)).not.toBe(401);
    expect(await post(`${webhook}&code=${host.keys.master}`)).not.toBe(401);
  });
});
