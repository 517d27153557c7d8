import { request } from "node:http";
import { VirtualClock } from "../../local/clock";
import { startHost, MemoryLogger, type LocalHostHandle } from "../../local/host/index";
import { DEFAULT_REQUEST_BODY_SIZE_LIMIT, requestBodySizeLimit } from "../../local/host/http/rpc-http";
import { createFixtureApp, type FixtureApp } from "./fixture-app";

/** A POST whose body is sent in chunks without a content-length (chunked transfer encoding). */
function postChunked(url: string, chunks: Buffer[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", headers: { "content-type": "application/json", "transfer-encoding": "chunked" } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

describe("local host: request body size limit (FUNCTIONS_REQUEST_BODY_SIZE_LIMIT, 100 MB by default as in Azure)", () => {
  let fixture: FixtureApp;
  let host: LocalHostHandle;
  const api = (path: string): string => `${host.baseUrl}/api/${path}`;

  beforeAll(async () => {
    fixture = createFixtureApp("http-app");
    host = await startHost({
      appDir: fixture.appDir, clock: new VirtualClock(), dataDir: fixture.dataDir,
      settings: { FUNCTIONS_REQUEST_BODY_SIZE_LIMIT: "1000" }, extensions: [], logger: new MemoryLogger().log
    });
  });
  afterAll(async () => {
    await host.stop();
    fixture.remove();
  });

  it("reads the setting, defaulting to Azure's 104,857,600 bytes", () => {
    expect(requestBodySizeLimit({})).toBe(DEFAULT_REQUEST_BODY_SIZE_LIMIT);
    expect(DEFAULT_REQUEST_BODY_SIZE_LIMIT).toBe(104_857_600);
    expect(requestBodySizeLimit({ FUNCTIONS_REQUEST_BODY_SIZE_LIMIT: "2048" })).toBe(2048);
    expect(requestBodySizeLimit({ FUNCTIONS_REQUEST_BODY_SIZE_LIMIT: "nonsense" })).toBe(DEFAULT_REQUEST_BODY_SIZE_LIMIT);
  });

  it("serves a body at the limit and answers 413 to one byte more, declared or chunked, without invoking the function", async () => {
    const fits = JSON.stringify({ a: "x".repeat(1000 - 8) });
    expect(Buffer.byteLength(fits)).toBe(1000);
    expect((await fetch(api("json"), { method: "POST", headers: { "content-type": "application/json" }, body: fits })).status).toBe(201);
    const over = JSON.stringify({ a: "x".repeat(1000 - 7) });
    expect((await fetch(api("json"), { method: "POST", headers: { "content-type": "application/json" }, body: over })).status).toBe(413);
    expect(await postChunked(api("json"), [Buffer.from(`{"a":"`), Buffer.alloc(600, 0x78), Buffer.alloc(600, 0x78), Buffer.from(`"}`)])).toBe(413);
    expect(await postChunked(api("json"), [Buffer.from(`{"a":"`), Buffer.alloc(100, 0x78), Buffer.from(`"}`)])).toBe(201);
    // A 5 MB body declared up front is refused before it is read.
    expect((await fetch(api("json"), { method: "POST", headers: { "content-type": "application/json" }, body: Buffer.alloc(5 * 1024 * 1024, 0x20) })).status).toBe(413);
    // The host is still up.
    expect((await fetch(api("json"), { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).status).toBe(201);
  });
});
