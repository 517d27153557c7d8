import { simRequest, startHarness, type SimHarness } from "./harness";

const approvalCard = {
  type: "message",
  attachments: [{
    contentType: "application/vnd.microsoft.card.adaptive",
    content: {
      type: "AdaptiveCard",
      version: "1.5",
      body: [
        { type: "TextBlock", text: "Approve Kubernetes upgrade of aks-prod to 1.31.2?", wrap: true, weight: "Bolder" },
        { type: "FactSet", facts: [{ title: "Cluster", value: "aks-prod" }, { title: "Deadline", value: "2026-03-11T08:00:00Z" }] },
        { type: "ColumnSet", columns: [{ type: "Column", items: [{ type: "TextBlock", text: "plan" }] }] }
      ],
      actions: [
        { type: "Action.OpenUrl", title: "Approve", url: "https://aksops.example/api/approvals/abc?decision=approve" },
        { type: "Action.ShowCard", title: "Details", card: { type: "AdaptiveCard", body: [{ type: "TextBlock", text: "details" }] } }
      ]
    }
  }]
};

function withContent(content: unknown): unknown {
  return { type: "message", attachments: [{ contentType: "application/vnd.microsoft.card.adaptive", content }] };
}

describe("Teams webhook sink", () => {
  let h: SimHarness;

  beforeEach(async () => { h = await startHarness(); });
  afterEach(async () => { await h.close(); });

  it("accepts an Adaptive Card message as an incoming webhook does, and lists it by channel", async () => {
    const res = await simRequest(h, "POST", "/_sim/teams/ops-oncall", approvalCard);
    expect([res.status, res.text]).toEqual([200, "1"]);
    await simRequest(h, "POST", "/_sim/teams/other", approvalCard);
    const list = await simRequest(h, "GET", "/_sim/teams/messages?channel=ops-oncall");
    const { value } = list.json() as { value: { channel: string; receivedAt: string; kind: string; card: { version: string } }[] };
    expect(value).toHaveLength(1);
    expect(value[0]).toMatchObject({ channel: "ops-oncall", receivedAt: "2026-03-10T08:00:00.000Z", kind: "adaptiveCard", card: { version: "1.5" } });
    const all = (await simRequest(h, "GET", "/_sim/teams/messages")).json() as { value: unknown[] };
    expect(all.value).toHaveLength(2);
  });

  it.each([
    ["a card without version", withContent({ type: "AdaptiveCard", body: [{ type: "TextBlock", text: "x" }] }), "attachments[0].content.version is required"],
    ["a card without body", withContent({ type: "AdaptiveCard", version: "1.4" }), "attachments[0].content.body is required"],
    ["a wrong card type", withContent({ type: "HeroCard", version: "1.4", body: [{ type: "TextBlock", text: "x" }] }), 'attachments[0].content.type must be "AdaptiveCard"'],
    ["an unknown element type", withContent({ type: "AdaptiveCard", version: "1.4", body: [{ type: "Marquee", text: "x" }] }), 'body[0].type "Marquee" is not a known Adaptive Card element type'],
    ["Action.OpenUrl without url", withContent({ type: "AdaptiveCard", version: "1.4", body: [{ type: "TextBlock", text: "x" }], actions: [{ type: "Action.OpenUrl", title: "Approve" }] }), "actions[0].url is required for Action.OpenUrl"],
    ["a TextBlock without text", withContent({ type: "AdaptiveCard", version: "1.4", body: [{ type: "TextBlock" }] }), "body[0].text is required for TextBlock"],
    ["a nested element inside a Container", withContent({ type: "AdaptiveCard", version: "1.4", body: [{ type: "Container", items: [{ type: "Image" }] }] }), "body[0].items[0].url is required for Image"],
    ["an unsupported version", withContent({ type: "AdaptiveCard", version: "2.0", body: [{ type: "TextBlock", text: "x" }] }), 'version "2.0" is not a supported Adaptive Card version'],
    ["a wrong content type", { type: "message", attachments: [{ contentType: "application/vnd.microsoft.card.hero", content: {} }] }, 'contentType must be "application/vnd.microsoft.card.adaptive"'],
    ["no attachments", { type: "message", attachments: [] }, "attachments must be a non-empty array"],
    ["a MessageCard without summary or text", { "@type": "MessageCard", "@context": "https://schema.org/extensions", title: "t" }, "Summary or Text is required."]
  ])("rejects %s with 400 naming the problem", async (_label, payload, problem) => {
    const res = await simRequest(h, "POST", "/_sim/teams/ops", payload);
    expect(res.status).toBe(400);
    expect(res.text).toContain(problem);
    const list = (await simRequest(h, "GET", "/_sim/teams/messages")).json() as { value: unknown[] };
    expect(list.value).toHaveLength(0);
  });

  it("accepts a legacy MessageCard with a summary", async () => {
    const res = await simRequest(h, "POST", "/_sim/teams/ops", { "@type": "MessageCard", "@context": "https://schema.org/extensions", summary: "Upgrade done", text: "aks-dev upgraded" });
    expect(res.status).toBe(200);
  });

  it("answers 429 with Retry-After, then 503, under the teamsFailure fault, then accepts again", async () => {
    h.sim.kernel.faults.add({ kind: "teamsFailure", target: "ops", count: 1, retryAfterSeconds: 7 });
    h.sim.kernel.faults.add({ kind: "teamsFailure", target: "ops", count: 1, status: 503 });
    const first = await simRequest(h, "POST", "/_sim/teams/ops", approvalCard);
    expect(first.status).toBe(429);
    expect(first.headers["retry-after"]).toBe("7");
    const second = await simRequest(h, "POST", "/_sim/teams/ops", approvalCard);
    expect(second.status).toBe(503);
    const third = await simRequest(h, "POST", "/_sim/teams/ops", approvalCard);
    expect(third.status).toBe(200);
    const list = (await simRequest(h, "GET", "/_sim/teams/messages")).json() as { value: unknown[] };
    expect(list.value).toHaveLength(1);
  });

  it("rejects a message over Teams' 28 KB limit with 413", async () => {
    const big = withContent({ type: "AdaptiveCard", version: "1.4", body: [{ type: "TextBlock", text: "x".repeat(30 * 1024) }] });
    expect((await simRequest(h, "POST", "/_sim/teams/ops", big)).status).toBe(413);
  });
});
