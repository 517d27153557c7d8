import { VirtualClock } from "../../local/clock";
import { startHost, MemoryLogger, type LocalHostHandle, type HostExtension, type RegisteredBinding } from "../../local/host/index";
import { createFixtureApp, type FixtureApp } from "./fixture-app";

/** A minimal extension through the real seam: an input binding type and a webhook route. */
function probeExtension(): HostExtension & { webhookCalls: string[] } {
  const webhookCalls: string[] = [];
  let counter = 0;
  return {
    name: "probe",
    triggerTypes: ["probeTrigger"],
    webhookCalls,
    async start() {},
    inputBinding(binding: RegisteredBinding) {
      return binding.type === "testProbe" ? { json: JSON.stringify({ call: ++counter }) } : undefined;
    },
    async handleWebhook(req, res, url) {
      if (!url.pathname.startsWith("/runtime/webhooks/probe/")) return false;
      webhookCalls.push(`${req.method ?? ""} ${url.pathname}`);
      res.writeHead(200, { "content-type": "text/plain" }).end("probe webhook");
      return true;
    },
    async waitForIdle() {},
    async stop() {}
  };
}

describe("local host: HTTP triggers", () => {
  let fixture: FixtureApp;
  let host: LocalHostHandle;
  let logger: MemoryLogger;
  let extension: ReturnType<typeof probeExtension>;
  const api = (path: string): string => `${host.baseUrl}/api/${path}`;

  beforeAll(async () => {
    fixture = createFixtureApp("http-app");
    logger = new MemoryLogger();
    extension = probeExtension();
    host = await startHost({
      appDir: fixture.appDir,
      clock: new VirtualClock(),
      dataDir: fixture.dataDir,
      settings: { FIXTURE_SETTING: "from-settings", FUNCTIONS_HOST_KEY: "host-key-1", FUNCTIONS_MASTER_KEY: "master-key-1" },
      extensions: [extension],
      logger: logger.log
    });
  });

  afterAll(async () => {
    await host.stop();
    fixture.remove();
  });

  it("captures every registration with its binding metadata", () => {
    const items = host.functions.get("items");
    expect(items?.trigger).toMatchObject({ type: "httpTrigger", route: "items/{id:int}/{name?}", methods: ["GET", "POST", "PUT"], authLevel: "anonymous", direction: "in" });
    expect(items?.bindings.$return).toMatchObject({ type: "http", direction: "out" });
    expect([...host.functions.keys()]).toEqual(expect.arrayContaining(["items", "files", "json", "form", "binary", "cookies", "secret", "adminOnly", "boom", "probe", "hooked"]));
  });

  it("matches route parameters, optional parameters and constraints", async () => {
    const full = await (await fetch(api("items/42/widget?color=red&size=L"), { headers: { "x-custom": "yes" } })).json() as Record<string, unknown>;
    expect(full).toMatchObject({ functionName: "items", method: "GET", params: { id: "42", name: "widget" }, query: { color: "red", size: "L" }, custom: "yes" });
    const optional = await (await fetch(api("items/7"))).json() as Record<string, unknown>;
    expect(optional.params).toEqual({ id: "7" });
    // `{id:int}` does not match a word, and the literal route wins over the parameter.
    expect((await fetch(api("items/abc"))).status).toBe(404);
    const literal = await (await fetch(api("items/special"))).json() as Record<string, unknown>;
    expect(literal.functionName).toBe("itemsLiteral");
  });

  it("passes the rest of the path to a catch-all parameter", async () => {
    const body = await (await fetch(api("files/a/b/c%20d.txt"))).json() as { params: Record<string, string> };
    expect(body.params).toEqual({ rest: "a/b/c d.txt" });
  });

  it("serves a function without a route under its name, case-insensitively", async () => {
    const body = await (await fetch(api("Unrouted"))).json() as Record<string, unknown>;
    expect(body.functionName).toBe("unrouted");
  });

  it("answers 404 for unknown routes and 405 with Allow for a wrong method", async () => {
    expect((await fetch(api("nowhere"))).status).toBe(404);
    expect((await fetch(`${host.baseUrl}/elsewhere/items/1`)).status).toBe(404);
    const wrong = await fetch(api("items/1"), { method: "DELETE" });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("GET, POST, PUT");
  });

  it("delivers JSON, text, form and binary bodies", async () => {
    const json = await fetch(api("json"), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ a: [1, 2], b: "x" }) });
    expect(json.status).toBe(201);
    expect(json.headers.get("x-handled-by")).toBe("json");
    expect(json.headers.get("content-type")).toBe("application/json");
    expect(await json.json()).toEqual({ received: { a: [1, 2], b: "x" }, at: "json" });

    const text = await (await fetch(api("items/1"), { method: "PUT", headers: { "content-type": "text/plain" }, body: "plain words" })).json() as Record<string, unknown>;
    expect(text).toMatchObject({ method: "PUT", body: "plain words", contentType: "text/plain" });

    const form = await fetch(api("form"), { method: "POST", body: new URLSearchParams([["name", "aks"], ["tag", "a"], ["tag", "b"]]) });
    expect(await form.json()).toEqual({ name: "aks", tags: ["a", "b"] });

    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    const binary = await fetch(api("binary"), { method: "POST", headers: { "content-type": "application/octet-stream" }, body: bytes });
    expect(binary.headers.get("content-type")).toBe("application/octet-stream");
    expect(Buffer.from(await binary.arrayBuffer())).toEqual(Buffer.from([255, 250, 2, 1, 0]));
  });

  it("reads request cookies and writes response cookies with their attributes", async () => {
    const res = await fetch(api("cookies"), { headers: { cookie: "a=1; b=2" } });
    expect(await res.text()).toBe("you sent: a=1; b=2");
    expect(res.headers.getSetCookie()).toEqual([
      "session=abc123; Path=/; Max-Age=3600; Secure; HttpOnly; SameSite=Strict",
      "theme=dark; Expires=Tue, 01 Jan 2030 00:00:00 GMT"
    ]);
  });

  it("requires a key for function and admin auth levels", async () => {
    expect((await fetch(api("secret"))).status).toBe(401);
    expect((await fetch(api("secret"), { headers: { "x-functions-key": "wrong" } })).status).toBe(401);
    expect(await (await fetch(api("secret"), { headers: { "x-functions-key": "host-key-1" } })).text()).toBe("function-level secret");
    expect((await fetch(api("secret?code=master-key-1"))).status).toBe(200);
    expect((await fetch(api("admin-only?code=host-key-1"))).status).toBe(401);
    expect(await (await fetch(api("admin-only"), { headers: { "x-functions-key": "master-key-1" } })).text()).toBe("admin secret");
  });

  it("answers 500 with a safe message when a function throws, and logs the error", async () => {
    const res = await fetch(api("boom"));
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain("do-not-leak");
    const failed = logger.entries.find((e) => e.message.startsWith("Executed 'Functions.boom' (Failed"));
    expect(failed?.context).toMatchObject({ functionName: "boom" });
    expect(failed?.context?.invocationId).toMatch(/^[0-9a-f-]{36}$/);
    // The log line carries the exception, message and stack, as the Functions host's does.
    expect(failed?.message).toContain("do-not-leak");
    expect(failed?.message).toMatch(/\n\s*at /);
  });

  it("answers 204 when an HTTP function returns nothing", async () => {
    const res = await fetch(api("nothing"));
    expect(res.status).toBe(204);
  });

  it("exposes settings to the app as process.env", async () => {
    expect(await (await fetch(api("setting"))).json()).toEqual({ value: "from-settings" });
  });

  it("fills input bindings of extension types on every invocation", async () => {
    const first = await (await fetch(api("probe"))).json() as { probe: { call: number } };
    const second = await (await fetch(api("probe"))).json() as { probe: { call: number } };
    expect(second.probe.call).toBe(first.probe.call + 1);
  });

  it("routes /runtime/webhooks/<name>/... to the extension that owns it", async () => {
    const res = await fetch(`${host.baseUrl}/runtime/webhooks/probe/instances/abc?x=1`, { method: "POST" });
    expect(await res.text()).toBe("probe webhook");
    expect(extension.webhookCalls).toEqual(["POST /runtime/webhooks/probe/instances/abc"]);
    expect((await fetch(`${host.baseUrl}/runtime/webhooks/unknown/x`)).status).toBe(404);
  });

  it("runs preInvocation and postInvocation hooks around the function", async () => {
    const body = await (await fetch(api("hooked"))).json() as { hookData: string; original: { body: string } };
    expect(body).toEqual({ original: { body: "from handler" }, hookData: "pre" });
  });

  it("invokes functions programmatically with RPC HTTP data, like the worker, logging the caller's context", async () => {
    const result = await host.invoke("items", {
      inputData: [{ name: host.functions.get("items")?.triggerName ?? "", data: { http: { method: "GET", url: "http://localhost/api/items/5", headers: {}, query: {}, params: { id: "5" } } } }],
      logContext: { instanceId: "upgrade:aks1:1.31.2" }
    });
    const executed = logger.entries.find((e) => e.context?.instanceId === "upgrade:aks1:1.31.2" && e.message.startsWith("Executed 'Functions.items' (Succeeded"));
    expect(executed?.context).toMatchObject({ functionName: "items", instanceId: "upgrade:aks1:1.31.2" });
    const http = result.returnValue?.http as { statusCode: string; body: { bytes: Uint8Array } };
    expect(http.statusCode).toBe("200");
    expect(JSON.parse(Buffer.from(http.body.bytes).toString("utf8"))).toMatchObject({ params: { id: "5" }, method: "GET" });
  });
});

describe("local host: route prefix from host.json", () => {
  it("serves HTTP triggers under extensions.http.routePrefix", async () => {
    const fixture = createFixtureApp("http-app", { hostJson: { version: "2.0", extensions: { http: { routePrefix: "v1/svc" } } } });
    const host = await startHost({ appDir: fixture.appDir, clock: new VirtualClock(), dataDir: fixture.dataDir, extensions: [], logger: () => undefined });
    try {
      expect((await fetch(`${host.baseUrl}/v1/svc/items/3`)).status).toBe(200);
      expect((await fetch(`${host.baseUrl}/api/items/3`)).status).toBe(404);
    } finally {
      await host.stop();
      fixture.remove();
    }
  });
});
