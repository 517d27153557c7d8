import { wavesOf } from "../../orchestrations/engine/runOperation";
import type { PlanStep } from "../../orchestrations/engine/plan";

const step = (index: number, wave?: number): PlanStep => ({
  index, title: `s${index}`, health: false, settleMs: 0, ...(wave !== undefined ? { wave } : {}),
  action: { type: "armResourcePut", resourceId: `/subscriptions/s/r${index}`, apiVersion: "2025-05-01", change: "create", body: {} }
});

describe("the engine's waves", () => {
  it("groups consecutive steps of one wave; steps without a wave run alone, in order", () => {
    const waves = wavesOf([step(0, 0), step(1, 0), step(2, 1), step(3), step(4), step(5, 2), step(6, 2)]);
    expect(waves.map((w) => w.map((s) => s.index))).toEqual([[0, 1], [2], [3], [4], [5, 6]]);
  });
  it("a plan without waves (every flow but provisioning) runs step by step as before", () => {
    expect(wavesOf([step(0), step(1), step(2)]).map((w) => w.length)).toEqual([1, 1, 1]);
  });
});
