import { ConfigError, loadConfig } from "../../../shared/config";

const A = "00000000-0000-0000-0000-00000000000a";
const B = "00000000-0000-0000-0000-00000000000B";

function env(overrides: Record<string, string | undefined>): Record<string, string | undefined> {
  return {
    COSMOS_ENDPOINT: "https://aksops.documents.azure.com:443/",
    TEAMS_WEBHOOK_URL: "https://contoso.webhook.office.com/webhookb2/abc",
    APPROVAL_SIGNING_KEY: "k".repeat(32),
    PUBLIC_BASE_URL: "https://aksops.azurewebsites.net/",
    ...overrides
  };
}

function problems(overrides: Record<string, string | undefined>): { setting: string; problem: string }[] {
  try {
    loadConfig(env(overrides));
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => ({ setting: p.setting, problem: p.problem }));
    throw err;
  }
  throw new Error("loadConfig accepted the settings");
}

describe("managed subscriptions (issue 31)", () => {
  it("keeps AZURE_SUBSCRIPTION_ID as the one-subscription form", () => {
    const config = loadConfig(env({ AZURE_SUBSCRIPTION_ID: A.toUpperCase() }));
    expect(config.subscriptionId).toBe(A);
    expect(config.managedSubscriptions).toEqual({ kind: "list", subscriptionIds: [A] });
  });

  it("reads a comma-separated list, lower-cased, blanks ignored; the first is home unless AZURE_SUBSCRIPTION_ID names one", () => {
    const config = loadConfig(env({ AZURE_SUBSCRIPTION_IDS: ` ${A} , ${B} ` }));
    expect(config.managedSubscriptions).toEqual({ kind: "list", subscriptionIds: [A, B.toLowerCase()] });
    expect(config.subscriptionId).toBe(A);
    expect(loadConfig(env({ AZURE_SUBSCRIPTION_IDS: `${A},${B}`, AZURE_SUBSCRIPTION_ID: B })).subscriptionId).toBe(B.toLowerCase());
  });

  it("names every invalid entry and every duplicate (case-insensitive)", () => {
    expect(problems({ AZURE_SUBSCRIPTION_IDS: `${A},not-a-guid,,${A.toUpperCase()},1234` })).toEqual([
      { setting: "AZURE_SUBSCRIPTION_IDS", problem: "must be comma-separated subscription GUIDs; not GUIDs: 'not-a-guid', '', '1234'" },
      { setting: "AZURE_SUBSCRIPTION_IDS", problem: `lists a subscription more than once: ${A}` }
    ]);
  });

  it("refuses a home subscription outside the list, and no subscription at all", () => {
    expect(problems({ AZURE_SUBSCRIPTION_IDS: A, AZURE_SUBSCRIPTION_ID: B })).toEqual([
      { setting: "AZURE_SUBSCRIPTION_ID", problem: `must be one of AZURE_SUBSCRIPTION_IDS (${A}), not ${B.toLowerCase()}` }
    ]);
    expect(problems({})[0]?.setting).toBe("AZURE_SUBSCRIPTION_ID");
  });

  it("reads a management group with a home subscription; not with a list, not without a home, not a malformed id", () => {
    const config = loadConfig(env({ AZURE_MANAGEMENT_GROUP_ID: "mg-landing-zones", AZURE_SUBSCRIPTION_ID: A }));
    expect(config.managedSubscriptions).toEqual({ kind: "managementGroup", managementGroupId: "mg-landing-zones" });
    expect(problems({ AZURE_MANAGEMENT_GROUP_ID: "mg", AZURE_SUBSCRIPTION_IDS: A, AZURE_SUBSCRIPTION_ID: A }).map((p) => p.setting)).toEqual(["AZURE_MANAGEMENT_GROUP_ID"]);
    expect(problems({ AZURE_MANAGEMENT_GROUP_ID: "mg" })).toEqual([
      { setting: "AZURE_SUBSCRIPTION_ID", problem: "is required with AZURE_MANAGEMENT_GROUP_ID: the platform's home subscription (provisioning's default)" }
    ]);
    expect(problems({ AZURE_MANAGEMENT_GROUP_ID: "mg/../x", AZURE_SUBSCRIPTION_ID: A }).map((p) => p.setting)).toEqual(["AZURE_MANAGEMENT_GROUP_ID"]);
  });
});
