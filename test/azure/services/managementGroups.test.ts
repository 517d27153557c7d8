/**
 * Issue 31 on the simulator: the managed subscriptions read from a management group through
 * @azure/arm-managementgroups (nested groups included, kept for a while, an unknown group refused as
 * ARM does), and ARM's throttling buckets kept per subscription (and apart for tenant-level requests).
 */
import { armFor, createManagedSubscriptions, createManagementGroupsClient, type ArmSettings } from "../../../shared/azure";
import { DESCENDANTS_TTL_MS } from "../../../shared/azure/managed-subscriptions";
import { startFixture, type SimFixture } from "../core/sim-fixture";

const A = "00000000-0000-0000-0000-0000000000a1";
const B = "00000000-0000-0000-0000-0000000000b2";
const C = "00000000-0000-0000-0000-0000000000c3";

describe("managed subscriptions from a management group", () => {
  let f: SimFixture;
  let settings: ArmSettings;
  beforeAll(async () => {
    f = await startFixture();
    settings = { mode: "local", subscriptionId: A, armEndpoint: f.sim.baseUrl, localCaPath: f.sim.caPath };
    expect((await f.raw("PUT", "/_sim/managementGroups/mg-root", { subscriptions: [C.toUpperCase(), A] })).status).toBe(200);
    expect((await f.raw("PUT", "/_sim/managementGroups/mg-child", { parent: "mg-root", subscriptions: [B] })).status).toBe(200);
  });
  afterAll(async () => { await f.close(); });

  it("lists every subscription under the group, nested groups included, home first; re-read only after the TTL", async () => {
    const managed = createManagedSubscriptions({ kind: "managementGroup", managementGroupId: "mg-root" }, A, () => createManagementGroupsClient(settings), f.clock);
    expect(managed.source).toBe("management group mg-root");
    expect(await managed.list()).toEqual([A, B, C]);
    // C leaves the group: the kept set still has it until the TTL has passed.
    await f.raw("PUT", "/_sim/managementGroups/mg-elsewhere", { subscriptions: [C] });
    expect(await managed.list()).toEqual([A, B, C]);
    await f.clock.advance(DESCENDANTS_TTL_MS);
    expect(await managed.list()).toEqual([A, B]);
  });

  it("serves the descendants as ARM does: typed entities with their parent, tenant-level (the tenant's bucket)", async () => {
    const res = await f.raw("GET", "/providers/Microsoft.Management/managementGroups/mg-root/descendants?api-version=2021-04-01", undefined, { authorization: "Bearer t" });
    expect(res.status).toBe(200);
    expect(res.headers["x-ms-ratelimit-remaining-tenant-reads"]).toBeDefined();
    expect((res.body as { value: unknown[] }).value).toEqual(expect.arrayContaining([
      { id: `/subscriptions/${A}`, type: "/subscriptions", name: A, properties: { displayName: A, parent: { id: "/providers/Microsoft.Management/managementGroups/mg-root" } } },
      expect.objectContaining({ type: "Microsoft.Management/managementGroups", name: "mg-child" }),
      { id: `/subscriptions/${B}`, type: "/subscriptions", name: B, properties: { displayName: B, parent: { id: "/providers/Microsoft.Management/managementGroups/mg-child" } } }
    ]));
  });

  it("an unknown group is refused (403 AuthorizationFailed, as ARM answers), so nothing is managed until ARM says what is", async () => {
    const managed = createManagedSubscriptions({ kind: "managementGroup", managementGroupId: "mg-nope" }, A, () => createManagementGroupsClient(settings), f.clock);
    await expect(managed.list()).rejects.toMatchObject({ statusCode: 403, code: "AuthorizationFailed" });
  });

  it("a list setting answers at once, lower case, naming its setting", async () => {
    const managed = createManagedSubscriptions({ kind: "list", subscriptionIds: [A, B] }, A, () => { throw new Error("no ARM read for a list"); }, f.clock);
    expect([await managed.list(), managed.source]).toEqual([[A, B], "AZURE_SUBSCRIPTION_IDS"]);
  });
});

describe("ARM throttling buckets per subscription (issue 31)", () => {
  let f: SimFixture;
  beforeAll(async () => { f = await startFixture({ throttling: { read: { burst: 3, perSecond: 1 } } }); });
  afterAll(async () => { await f.close(); });

  it("one subscription's empty read bucket does not throttle another's, and each client set reads its own subscription", async () => {
    const settings: ArmSettings = { mode: "local", subscriptionId: A, armEndpoint: f.sim.baseUrl, localCaPath: f.sim.caPath };
    const status = async (subscription: string): Promise<number> => {
      const res = await f.raw("GET", `/subscriptions/${subscription}/resourcegroups?api-version=2021-04-01`, undefined, { authorization: "Bearer t" });
      return res.status;
    };
    expect([await status(A), await status(A), await status(A), await status(A)]).toEqual([200, 200, 200, 429]);
    expect(await status(B)).toBe(200);
    // armFor: one cached client set per subscription (case-insensitive), each bound to its subscription.
    expect(armFor(settings, B.toUpperCase(), { sdkRetries: false })).toBe(armFor(settings, B, { sdkRetries: false }));
    const groups: string[] = [];
    await armFor(settings, C, { sdkRetries: false }).resources.resourceGroups.createOrUpdate("rg-c", { location: "westeurope" });
    for await (const g of armFor(settings, C, { sdkRetries: false }).resources.resourceGroups.list()) groups.push(g.id ?? "");
    expect(groups).toEqual([`/subscriptions/${C}/resourceGroups/rg-c`]);
  });
});
