import { MemoryLogger } from "../../../local/host";
import { settle, startDurableHost, startInstance, statusOf } from "./support";

test("a 5-activity sequence completes through the host", async () => {
  const logger = new MemoryLogger();
  const h = await startDurableHost({ logger });
  try {
    const id = await startInstance(h, "sequence", 3);
    await settle(h);
    const status = await statusOf(h, id);
    if (status.runtimeStatus !== "Completed") console.log(JSON.stringify(status), logger.entries.filter((e) => e.level === "error").map((e) => e.message).join("\n"));
    expect(status.runtimeStatus).toBe("Completed");
    expect(status.output).toBe(96);
  } finally {
    await h.stop();
  }
});
