/**
 * No key in a log line: one redaction (`redactSecrets`) behind every logger the local host is
 * given, the console logger and the memory logger tests read, and the local runtime's own console
 * output. Keys travel in `code=`, `sig=`, `Authorization`, `x-functions-key`, connection strings,
 * JWTs and the platform's approval and hold links.
 */
import { VirtualClock } from "../../local/clock";
import { consoleLogger, MemoryLogger, redactSecrets, startHost, type LocalHostHandle, type LogEntry } from "../../local/host/index";
import { createFixtureApp, type FixtureApp } from "./fixture-app";

const KEY = "k3yK3yk3yK3y-abcdefghijklmnopqrstuvwxyz0123456789AB==";

describe("redactSecrets", () => {
  it.each([
    [`POST /runtime/webhooks/eventgrid?functionName=aksEvents&code=${KEY}`, "POST /runtime/webhooks/eventgrid?functionName=aksEvents&code=[redacted]"],
    [`https://host/runtime/webhooks/durabletask/instances/x?taskHub=h&connection=Storage&code=${KEY}&showHistory=true`, "https://host/runtime/webhooks/durabletask/instances/x?taskHub=h&connection=Storage&code=[redacted]&showHistory=true"],
    [`{"statusQueryGetUri":"http://h/x?code=${KEY}"}`, `{"statusQueryGetUri":"http://h/x?code=[redacted]"}`],
    [`https://acct.blob.core.windows.net/c/b?sv=2022-11-02&sig=${encodeURIComponent(KEY)}&se=2026`, "https://acct.blob.core.windows.net/c/b?sv=2022-11-02&sig=[redacted]&se=2026"],
    [`https://h/api/x%3Fcode%3D${KEY}`, "https://h/api/x%3Fcode%3D[redacted]"],
    [`authorization: Bearer ${KEY}`, "authorization: [redacted]"],
    [`{"Authorization":"Basic ${KEY}"}`, `{"Authorization":"[redacted]"}`],
    [`headers x-functions-key=${KEY} next`, "headers x-functions-key=[redacted] next"],
    [`aeg-sas-key: ${KEY}`, "aeg-sas-key: [redacted]"],
    [`sent Bearer ${KEY} to ARM`, "sent Bearer [redacted] to ARM"],
    [`AccountEndpoint=https://localhost:8081/;AccountKey=${KEY};`, "AccountEndpoint=https://localhost:8081/;AccountKey=[redacted];"],
    ["token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl used", "token [redacted] used"],
    ["GET /api/approvals/eyJpbnN0YW5jZUlkIjoiYSJ9.c2lnbmF0dXJlc2lnbmF0dXJl?decision=approve", "GET /api/approvals/[redacted]?decision=approve"],
    ["POST /api/holds/aG9sZDphay1kZXY6YWJjZGVm.c2lnbmF0dXJlc2lnbg", "POST /api/holds/[redacted]"],
    // Each secret-bearing name alone on a line (no query separator): the quick "nothing to redact" check must not skip it.
    [`APPROVAL_SIGNING_KEY=${KEY}`, "APPROVAL_SIGNING_KEY=[redacted]"],
    [`clientSecret: ${KEY}`, "clientSecret: [redacted]"],
    [`masterKey=${KEY}`, "masterKey=[redacted]"],
    [`Password=${KEY}`, "Password=[redacted]"],
    [`ocp-apim-subscription-key: ${KEY}`, "ocp-apim-subscription-key: [redacted]"],
    [`x-ms-client-principal: ${KEY}`, "x-ms-client-principal: [redacted]"],
    [`AzureWebJobsStorage=${KEY}`, "AzureWebJobsStorage=[redacted]"]
  ])("%s", (input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
    expect(redactSecrets(input)).not.toContain(KEY);
  });

  it("leaves text without secrets as it is", () => {
    for (const text of [
      "Executing 'Functions.aksEvents' (Reason='This function was programmatically called via the host APIs.', Id=1234)",
      "GET /api/operations?top=20&continuationToken=abc&status=Running",
      "approvalPage: [GET] http://127.0.0.1:7071/api/approvals/{token}",
      "Upgrade of aks-prod on the Basic tier with the key vault add-on",
      "operation k8s-upgrade:aks-dev:1.36.3 Succeeded in 12 min"
    ]) expect(redactSecrets(text)).toBe(text);
  });
});

describe("the local host's log lines", () => {
  let fixture: FixtureApp;
  let host: LocalHostHandle;
  const memory = new MemoryLogger();
  const raw: LogEntry[] = [];
  const printed: string[] = [];

  beforeAll(async () => {
    fixture = createFixtureApp("http-app");
    host = await startHost({
      appDir: fixture.appDir, clock: new VirtualClock(), dataDir: fixture.dataDir,
      settings: { FUNCTIONS_MASTER_KEY: `master-${KEY}` },
      // A caller's own logger: it receives entries already redacted.
      logger: (entry) => { raw.push(entry); memory.log(entry); }
    });
  });
  afterAll(async () => {
    await host.stop();
    fixture.remove();
  });

  it("a function that logs its URL, the caller's Authorization header and fails naming its URL leaves no key in any entry", async () => {
    const res = await fetch(`${host.baseUrl}/api/leaky?code=${KEY}&x=1`, { headers: { authorization: `Bearer ${KEY}`, "x-functions-key": KEY } });
    await res.arrayBuffer();
    expect(res.status).toBe(500);
    await host.waitForIdle();
    const lines = raw.map((e) => `${e.message} ${JSON.stringify(e.context ?? {})}`);
    expect(lines.some((l) => l.includes("called at") && l.includes("code=[redacted]") && l.includes("authorization: [redacted]"))).toBe(true);
    expect(lines.some((l) => l.includes("upstream") && l.includes("code=[redacted]"))).toBe(true);
    for (const line of lines) expect(line).not.toContain(KEY);
    for (const entry of memory.entries) expect(JSON.stringify(entry)).not.toContain(KEY);
  });

  it("the console logger redacts what it prints, whoever calls it", () => {
    const log = jest.spyOn(console, "log").mockImplementation((line: string) => { printed.push(line); });
    const error = jest.spyOn(console, "error").mockImplementation((line: string) => { printed.push(line); });
    try {
      const logger = consoleLogger(() => Date.parse("2026-11-02T08:00:00Z"));
      logger({ level: "information", category: "Host", message: `GET /runtime/webhooks/eventgrid?code=${KEY}` });
      logger({ level: "error", category: "Host", message: "failed", context: { url: `https://x/?sig=${KEY}` } });
    } finally {
      log.mockRestore();
      error.mockRestore();
    }
    expect(printed).toEqual([
      "[2026-11-02T08:00:00.000Z] GET /runtime/webhooks/eventgrid?code=[redacted]",
      "[2026-11-02T08:00:00.000Z] failed (url=https://x/?sig=[redacted])"
    ]);
  });
});
