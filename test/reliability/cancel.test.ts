/**
 * Issue 24, items 2 and 6, through the public contracts of the whole local platform (host, durable
 * engine, simulator, embedded Cosmos on a virtual clock): cancelling an operation stops it and its
 * step and approval children, records who cancelled, releases the cluster's lock so the queue moves,
 * and a late decision changes nothing; a holder terminated through the durable management API is a
 * stale lock holder; parallel starts of one manual node-image upgrade are one operation.
 */
import type { OperationRecord } from "../../shared/store";
import {
  advance, api, approvalCards, approveUrl, cardText, decide, operation, operationWith, startHarness, teamsMessages, waitFor, type Harness
} from "../platform/support";

interface ClusterView { activeOperation: { operationId: string; status: string } | null; queuedOperations: { operationId: string; position: number }[] }

describe("cancelling operations and idempotent starts (issue 24: 2, 6)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await advance(h, 10 * 60_000);
  });
  afterAll(async () => { await h.stop(); });

  const durable = (route: string, method = "GET"): Promise<Response> =>
    fetch(`${h.platform.host.baseUrl}/runtime/webhooks/durabletask/${route}${route.includes("?") ? "&" : "?"}code=${h.platform.host.keys.system.durabletask_extension}`, { method });
  const runtimeStatus = async (instanceId: string): Promise<string> =>
    ((await (await durable(`instances/${encodeURIComponent(instanceId)}`)).json()) as { runtimeStatus: string }).runtimeStatus;
  const cluster = async (id: string): Promise<ClusterView> => (await api<ClusterView>(h, "GET", `/clusters/${id}`)).body;
  const nodeImage = async (id: string): Promise<string> => {
    const res = await api<{ operationId: string }>(h, "POST", `/clusters/${id}/upgrades`, { kind: "nodeImage" });
    expect(res.status).toBe(202);
    return res.body.operationId;
  };

  it("2: cancelling an upgrade that waits for approval stops it, records the operator, refuses the late approve and moves the queue", async () => {
    const started = await api<{ operationId: string }>(h, "POST", "/clusters/aks-prod/upgrades", { kind: "kubernetes", targetVersion: "1.36.2" });
    expect(started.status).toBe(202);
    const id = started.body.operationId;
    const card = await waitFor(h, "the approval card", async () => (await approvalCards(h, "aks-prod"))[0]);
    // Two operations queue behind it (manual node-image upgrades a minute apart).
    const first = await nodeImage("aks-prod");
    await advance(h, 60_000);
    const second = await nodeImage("aks-prod");
    await operationWith(h, second, (o) => o.status === "Queued", "the second node-image upgrade to queue", 10 * 60_000);
    expect(await cluster("aks-prod")).toMatchObject({
      activeOperation: { operationId: id, status: "AwaitingApproval" },
      queuedOperations: [{ operationId: first, position: 1 }, { operationId: second, position: 2 }]
    });
    const waiting = await operation(h, id);
    const approvalInstance = waiting.approvalRequests?.[0]?.approvalInstanceId ?? "";
    expect(await runtimeStatus(approvalInstance)).toBe("Running");

    // Bad bodies are 400s naming each field, and cancel nothing.
    const bad = await api<{ error: { fields: { field: string }[] } }>(h, "POST", `/operations/${encodeURIComponent(id)}/cancel`, { reason: "x".repeat(501), by: "eve", operator: 7 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f) => f.field).sort()).toEqual(["by", "operator", "reason"]);
    expect((await operation(h, id)).status).toBe("AwaitingApproval");

    const cancel = await api<{ operationId: string; status: string; cancelledBy: string; operation: OperationRecord }>(h, "POST", `/operations/${encodeURIComponent(id)}/cancel`,
      { reason: "change freeze" }, { "x-ms-client-principal-name": "carol@contoso.com" });
    expect(cancel.status).toBe(202);
    expect(cancel.body).toMatchObject({ operationId: id, status: "Cancelled", cancelledBy: "carol@contoso.com" });

    // The late approve is refused and changes nothing.
    const late = await decide(approveUrl(card), "approve", "alice");
    expect(late.status).toBe(409);
    expect(late.text).toContain("Cancelled by carol@contoso.com");
    await advance(h, 20 * 60_000);
    const record = await operation(h, id);
    expect(record.status).toBe("Cancelled");
    expect(record.outcome).toEqual({ result: "Cancelled", message: "Cancelled by carol@contoso.com: change freeze (was AwaitingApproval)" });
    expect(record.cancellation).toMatchObject({ by: "carol@contoso.com", reason: "change freeze", previousStatus: "AwaitingApproval" });
    expect(record.approvals.filter((a) => a.approver === "alice")).toEqual([]);
    expect(record.approvalRequests?.map((r) => r.status)).toEqual(["Pending"]);
    expect(record.steps.map((s) => s.status)).toEqual(["Skipped", "Skipped", "Skipped"]);
    expect((await h.aks.managedClusters.get("rg-aks-prod", "aks-prod")).currentKubernetesVersion).toBe("1.35.4");
    // The run and its step and approval children are terminated.
    for (const instance of [id, `${id}:step:0`, approvalInstance]) expect([instance, await runtimeStatus(instance)]).toEqual([instance, "Terminated"]);

    // The lock went to the next in line, which ran (its pools already run the latest image), then to the other.
    const next = await operationWith(h, first, (o) => o.status === "Succeeded", "the first queued operation to run", 30 * 60_000);
    expect(next.outcome?.message).toBe("Every pool already runs the latest node image");
    const then = await operationWith(h, second, (o) => o.status === "Succeeded", "the second queued operation to run", 30 * 60_000);
    expect(Date.parse(then.timings.startedAt ?? "")).toBeGreaterThanOrEqual(Date.parse(next.timings.endedAt ?? ""));
    expect(await cluster("aks-prod")).toMatchObject({ activeOperation: null, queuedOperations: [] });

    // Teams says so, once.
    const cards = (await teamsMessages(h, "ops")).filter((m) => cardText(m).includes("Kubernetes upgrade to 1.36.2 cancelled: aks-prod (prod)"));
    expect(cards).toHaveLength(1);
    expect(cardText(cards[0]!)).toContain("carol@contoso.com");
    expect(cardText(cards[0]!)).toContain("change freeze");

    // Again: 409 naming the status, nothing else changes; ended and unknown operations.
    const again = await api<{ error: { code: string; message: string }; status: string }>(h, "POST", `/operations/${encodeURIComponent(id)}/cancel`);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: { code: "OperationEnded" }, status: "Cancelled" });
    expect((await operation(h, id)).cancellation?.by).toBe("carol@contoso.com");
    const adoption = await api<{ error: { message: string }; status: string }>(h, "POST", "/operations/adopt%3Aaks-prod/cancel", {});
    expect(adoption.status).toBe(409);
    expect(adoption.body.status).toBe("Succeeded");
    expect(adoption.body.error.message).toContain("it is Succeeded");
    expect((await api(h, "POST", "/operations/no-such-operation/cancel")).status).toBe(404);
    // The GET of the link says it decides nothing any more.
    expect((await fetch(approveUrl(card))).status).toBe(409);

    // A queued operation is cancelled the same way; the operator named in the body when no principal is signed in (local runs).
    const third = await nodeImage("aks-prod");
    const blocker = await api<{ operationId: string }>(h, "POST", "/clusters/aks-prod/upgrades", { kind: "kubernetes", targetVersion: "1.36.2" });
    expect(blocker.status).toBe(202);
    expect(blocker.body.operationId).toBe(id);
    await waitFor(h, "the resumed upgrade's approval card", async () => (await approvalCards(h, "aks-prod"))[1]);
    const fourth = await nodeImage("aks-prod");
    await operationWith(h, fourth, (o) => o.status === "Queued", "the node-image upgrade to queue", 10 * 60_000);
    expect((await api(h, "POST", `/operations/${encodeURIComponent(fourth)}/cancel`, { operator: "carol" })).status).toBe(202);
    expect((await operation(h, fourth)).cancellation).toMatchObject({ by: "carol", previousStatus: "Queued" });
    expect((await cluster("aks-prod")).queuedOperations).toEqual([]);
    expect((await api(h, "POST", `/operations/${encodeURIComponent(id)}/cancel`, { operator: "carol" })).status).toBe(202);
    expect((await operation(h, third)).status).toBe("Succeeded");
    expect(await cluster("aks-prod")).toMatchObject({ activeOperation: null, queuedOperations: [] });
  }, 240_000);

  it("2: a holder terminated through the durable management API is stale; its late approve is refused; cancel then ends its record", async () => {
    const started = await api<{ operationId: string }>(h, "POST", "/clusters/aks-staging/upgrades", { kind: "kubernetes", targetVersion: "1.36.2" });
    expect(started.status).toBe(202);
    const id = started.body.operationId;
    const card = await waitFor(h, "the approval card", async () => (await approvalCards(h, "aks-staging"))[0]);
    const queued = await nodeImage("aks-staging");
    await operationWith(h, queued, (o) => o.status === "Queued", "the node-image upgrade to queue", 10 * 60_000);

    expect((await durable(`instances/${encodeURIComponent(id)}/terminate?reason=by-hand`, "POST")).status).toBe(202);
    await advance(h, 60_000);
    expect(await runtimeStatus(id)).toBe("Terminated");
    // The record does not know: it still says AwaitingApproval. The lock judges by the instance.
    expect((await operation(h, id)).status).toBe("AwaitingApproval");
    await operationWith(h, queued, (o) => o.status === "Succeeded", "the queued operation to take the lock and run", 30 * 60_000);
    expect((await cluster("aks-staging")).activeOperation).toBeNull();

    // Its approval instance still runs (terminate does not cascade), but nothing waits for the decision.
    const late = await decide(approveUrl(card), "approve", "alice");
    expect(late.status).toBe(409);
    expect(late.text).toContain("its orchestration is terminated");
    await advance(h, 10 * 60_000);
    const after = await operation(h, id);
    expect(after.approvals).toEqual([]);
    expect((await h.aks.managedClusters.get("rg-aks-staging", "aks-staging")).currentKubernetesVersion).toBe("1.35.4");

    // The operator ends it properly: the children stop, the record says Cancelled.
    const cancel = await api<{ status: string }>(h, "POST", `/operations/${encodeURIComponent(id)}/cancel`, { reason: "terminated by hand earlier" }, { "x-ms-client-principal-name": "dave@contoso.com" });
    expect(cancel.status).toBe(202);
    await advance(h, 60_000);
    expect(await runtimeStatus(`${id}:step:0`)).toBe("Terminated");
    expect((await operation(h, id)).outcome?.message).toBe("Cancelled by dave@contoso.com: terminated by hand earlier (was AwaitingApproval)");
  }, 240_000);

  it("6: 15 parallel manual node-image starts answer 2xx with one operation and one orchestration", async () => {
    const answers = await Promise.all(Array.from({ length: 15 }, () =>
      api<{ operationId: string; instanceId: string; status?: string; message?: string }>(h, "POST", "/clusters/aks-dev/upgrades", { kind: "nodeImage" })));
    expect(answers.map((a) => a.status).filter((s) => s < 200 || s >= 300)).toEqual([]);
    expect(answers.filter((a) => a.status === 202)).toHaveLength(1);
    const ids = new Set(answers.map((a) => a.body.operationId));
    expect(ids.size).toBe(1);
    const [operationId] = [...ids];
    const instanceId = answers[0]!.body.instanceId;
    // The duplicates state the record's real status, not the orchestration's.
    for (const a of answers.filter((x) => x.status === 200)) expect(a.body.message).toBe(`The node image upgrade ${operationId} of aks-dev is already started: it is ${a.body.status}`);
    const instances = (await (await durable(`instances/?instanceIdPrefix=${encodeURIComponent(instanceId.replace(/:aks-dev$/, ""))}`)).json()) as { instanceId: string }[];
    expect(instances.filter((i) => i.instanceId.startsWith("node-image:manual-") && !i.instanceId.includes(":step:")).map((i) => i.instanceId)).toEqual([instanceId]);
    await advance(h, 2 * 60_000);
    const again = await api<{ status: string; message: string }>(h, "POST", "/clusters/aks-dev/upgrades", { kind: "nodeImage" });
    // A minute later it is another request (the operation is named by the second): it queues or runs on its own.
    expect(again.status).toBe(202);
    const ops = (await api<{ value: OperationRecord[] }>(h, "GET", "/operations?clusterId=aks-dev")).body.value.filter((o) => o.kind === "nodeImageRollout");
    expect(ops.filter((o) => o.id === operationId)).toHaveLength(1);
  }, 180_000);
});
