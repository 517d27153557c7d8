/**
 * Secrets on disk and in logs, on the whole local platform: every file that holds a key is the
 * owner's only (0600, in a 0700 data directory), also when an earlier version left it wider, and no
 * log line of a run (Event Grid deliveries carry the webhook's `code=` key) shows a key.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { STATE_FILE } from "../../local/azure";
import { advance, startHarness, tempDir, type Harness } from "./support";

const mode = (file: string): number => statSync(file).mode & 0o777;

describe("secrets on disk and in logs", () => {
  let h: Harness;
  let dataDir: string;
  const earlierKey = randomBytes(32).toString("base64url");
  beforeAll(async () => {
    // A data directory as an earlier version left it: world-readable, the signing key 0644.
    dataDir = path.join(tempDir("aksops-secrets-"), "data");
    mkdirSync(dataDir, { mode: 0o755 });
    writeFileSync(path.join(dataDir, "approval-signing-key"), earlierKey, { mode: 0o644 });
    h = await startHarness({ dataDir });
    await advance(h, 10 * 60_000);
  });
  afterAll(async () => { await h?.stop(); });

  it("every file holding a key is 0600 and the data directory 0700", () => {
    h.platform.azure.save();
    const state = readFileSync(path.join(dataDir, STATE_FILE), "utf8");
    // Why the simulator's state is a secret: Event Grid subscriptions keep their webhook URL with its key.
    expect(state).toContain(h.platform.host.keys.system.eventgrid_extension);
    expect(readFileSync(path.join(dataDir, "approval-signing-key"), "utf8")).toBe(earlierKey);
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(path.join(dataDir, "host"))).toBe(0o700);
    expect(mode(path.join(dataDir, "certs"))).toBe(0o700);
    for (const file of [STATE_FILE, "approval-signing-key", "host/host-keys.json", "certs/local-key.pem"]) {
      expect({ file, mode: mode(path.join(dataDir, file)).toString(8) }).toEqual({ file, mode: "600" });
    }
  });

  it("no log line of the run carries a key", () => {
    const keys = [h.platform.host.keys.master, h.platform.host.keys.host, h.platform.host.keys.system.eventgrid_extension, h.platform.host.keys.system.durabletask_extension];
    const lines = h.logger.entries.map((e) => `${e.message} ${JSON.stringify(e.context ?? {})}`);
    expect(lines.length).toBeGreaterThan(50);
    for (const line of lines) for (const key of keys) expect(line).not.toContain(key);
    expect(lines.filter((l) => /[?&]code=(?!\[redacted\])/.test(l))).toEqual([]);
  });
});
