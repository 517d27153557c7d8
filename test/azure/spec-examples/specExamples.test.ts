import { startFixture, SUBSCRIPTION, type RawResponse, type SimFixture } from "../core/sim-fixture";
import examples from "./spec-examples.json";

/**
 * Replays the REST spec examples the simulator's shapes follow (listed, with our own request
 * bodies and the example responses' property paths, in spec-examples.json): each request must get
 * the example's status code and a response with every listed path, both as first answered and,
 * for a long-running operation, once it has completed on the virtual clock.
 */

interface SpecCase {
  example: string;
  method: string;
  path: string;
  apiVersion: string;
  body?: unknown;
  status: number;
  paths: string[];
  afterPaths?: string[];
  /** Response headers the example shows (e.g. `location` on a 202). */
  headers?: string[];
  /** Leave the operation running (a later case acts on it). */
  noWait?: boolean;
}

/** The value at `a.b[0].c` (undefined when any step is missing). */
function at(value: unknown, path: string): unknown {
  let cur: unknown = value;
  for (const step of path.split(".")) {
    const m = /^([^[\]]+)((?:\[\d+\])*)$/.exec(step);
    if (!m || cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[m[1] ?? ""];
    for (const idx of (m[2] ?? "").match(/\d+/g) ?? []) {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[Number(idx)];
    }
  }
  return cur;
}

function missing(body: unknown, paths: string[]): string[] {
  return paths.filter((p) => at(body, p) === undefined);
}

describe("spec-example replay against the simulator", () => {
  let f: SimFixture;
  const cases = examples.cases as SpecCase[];
  const rg = examples.resourceGroup;
  const auth = { authorization: "Bearer simulator-token" };
  const local = (text: string) => text.replaceAll("{subscriptionId}", SUBSCRIPTION).replaceAll("{resourceGroup}", rg);
  const url = (c: SpecCase) => `${local(c.path)}?api-version=${c.apiVersion}`;
  const body = (c: SpecCase): unknown => c.body === undefined ? undefined : JSON.parse(local(JSON.stringify(c.body)));

  beforeAll(async () => {
    f = await startFixture();
    const res = await f.raw("PUT", `/subscriptions/${SUBSCRIPTION}/resourceGroups/${rg}?api-version=2024-03-01`, { location: "westeurope" }, auth);
    expect(res.status).toBe(201);
  });
  afterAll(async () => { await f.close(); });

  it("lists at least one case per example file it names, with paths to compare", () => {
    expect(cases.length).toBeGreaterThanOrEqual(12);
    for (const c of cases) expect(c.paths.length + (c.headers ?? []).length).toBeGreaterThan(0);
  });

  // The cases run in order against one simulator: later ones use what earlier ones created.
  it.each(cases.map((c) => [`${c.example.split("/").slice(-3).join("/")} ${c.method} ${c.path.split("/").slice(-2).join("/")}`, c] as const))("%s", async (_name, c) => {
    const res: RawResponse = await f.raw(c.method, url(c), body(c), auth);
    expect({ status: res.status, body: res.status === c.status ? "" : res.body }).toEqual({ status: c.status, body: "" });
    expect(missing(res.body, c.paths)).toEqual([]);
    expect((c.headers ?? []).filter((h) => res.headers[h] === undefined)).toEqual([]);
    const longRunning = res.headers["azure-asyncoperation"] !== undefined || res.headers["location"] !== undefined;
    if (c.noWait || (!longRunning && c.afterPaths === undefined)) return;
    // Long-running: completes on the virtual clock; a PUT's resource then has the paths too.
    await f.clock.advance(2 * 3600_000);
    if (c.method !== "PUT") return;
    const done = await f.raw("GET", url(c), undefined, auth);
    expect(done.status).toBe(200);
    expect(missing(done.body, [...c.paths, ...(c.afterPaths ?? [])])).toEqual([]);
  });
});
