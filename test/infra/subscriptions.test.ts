/**
 * Issue 31: infra/ gives the platform's identity the roles it needs in every subscription the app
 * manages. The managed set is read from the app settings main.bicep deploys, with the app's own
 * parser (shared/config/subscriptions.ts); managed-subscriptions.bicep (compiled by `npm run
 * build:infra`) is evaluated for that set and each subscription's roles are checked against the calls.
 */
import fs from "node:fs";
import path from "node:path";
import { readSubscriptionSettings } from "../../shared/config/subscriptions";
import { SettingReader } from "../../shared/config/setting-reader";
import { roleGrants } from "../../shared/azure/required-permissions";
import { evaluateDeployment, type ArmTemplate, type Json } from "./arm-evaluator";
import { checkManagedSubscriptionRoles, repoRoot } from "./contract";

const template = (name: string): ArmTemplate => {
  const file = path.join(repoRoot, "dist", "infra", `${name}.json`);
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run \`npm run build:infra\` first (npm test does)`);
  return JSON.parse(fs.readFileSync(file, "utf8")) as ArmTemplate;
};

const PRINCIPAL = "44444444-4444-4444-4444-444444444444";
const HOME = "66666666-6666-6666-6666-666666666666";
const OTHERS = ["77777777-7777-7777-7777-777777777777", "88888888-8888-8888-8888-888888888888"];
const base = { approvalSigningKey: "s".repeat(48), teamsWebhookUrl: "https://teams.example.invalid/webhook", authClientId: "55555555-5555-5555-5555-555555555555" };

/** The managed set the app reads from the settings main.bicep gives it. */
function managedBy(parameters: Record<string, Json>): { home: string; managed: readonly string[] | { managementGroupId: string } } {
  const main = evaluateDeployment(template("main"), { ...base, ...parameters }, { subscriptionId: HOME });
  const config = main.module("functionApp").resources("Microsoft.Web/sites/config").find((r) => r.name.endsWith("/appsettings"))!;
  const settings = Object.fromEntries(Object.entries(config.properties as Record<string, Json>).map(([k, v]) => [k, typeof v === "string" ? v : undefined]));
  const reader = new SettingReader(settings);
  const read = readSubscriptionSettings(reader);
  expect(reader.problems).toEqual([]);
  const m = read!.managed;
  return { home: read!.subscriptionId, managed: m.kind === "list" ? m.subscriptionIds : { managementGroupId: m.managementGroupId } };
}

describe("infra: roles in every managed subscription (issue 31)", () => {
  it("main.bicep's managedSubscriptionIds become AZURE_SUBSCRIPTION_IDS, and managed-subscriptions.bicep gives each of them every role its calls need", () => {
    const { home, managed } = managedBy({ managedSubscriptionId: HOME, managedSubscriptionIds: [HOME, ...OTHERS] });
    expect([home, managed]).toEqual([HOME, [HOME, ...OTHERS]]);
    const roles = evaluateDeployment(template("managed-subscriptions"), { principalId: PRINCIPAL, subscriptionIds: managed as Json[] });
    expect(checkManagedSubscriptionRoles(managed as string[], roles, PRINCIPAL)).toEqual([]);
    // One module per subscription, each evaluated in its own subscription.
    expect(roles.resources("Microsoft.Resources/deployments").map((m) => m.subscriptionId)).toEqual([HOME, ...OTHERS]);
    // No reader on the group: the app reads a list, not the group.
    expect(roles.resources("Microsoft.Authorization/roleAssignments").filter((r) => r.deployed)).toEqual([]);
  });

  it("a managed subscription left out of the roles deployment is named", () => {
    const roles = evaluateDeployment(template("managed-subscriptions"), { principalId: PRINCIPAL, subscriptionIds: [HOME, OTHERS[0]!] });
    expect(checkManagedSubscriptionRoles([HOME, ...OTHERS], roles, PRINCIPAL)).toEqual([
      `subscription ${OTHERS[1]}: managed by the app, but managed-subscriptions.bicep assigns no roles there`
    ]);
  });

  it("one subscription: AZURE_SUBSCRIPTION_ID alone, and the same roles through managed-subscriptions.bicep", () => {
    const { managed } = managedBy({ managedSubscriptionId: HOME });
    expect(managed).toEqual([HOME]);
    const roles = evaluateDeployment(template("managed-subscriptions"), { principalId: PRINCIPAL, subscriptionIds: [HOME] });
    expect(checkManagedSubscriptionRoles([HOME], roles, PRINCIPAL)).toEqual([]);
  });

  it("a management group: AZURE_MANAGEMENT_GROUP_ID, Reader on the group (getDescendants) for the identity, roles in the group's subscriptions", () => {
    const { managed } = managedBy({ managedSubscriptionId: HOME, managedManagementGroupId: "mg-landing-zones" });
    expect(managed).toEqual({ managementGroupId: "mg-landing-zones" });
    const roles = evaluateDeployment(template("managed-subscriptions"), { principalId: PRINCIPAL, subscriptionIds: [HOME, ...OTHERS], readManagementGroup: true }, { managementGroupId: "mg-landing-zones" });
    const reader = roles.resources("Microsoft.Authorization/roleAssignments").filter((r) => r.deployed).map((r) => r.properties as { roleDefinitionId: string; principalId: string });
    expect(reader).toEqual([expect.objectContaining({ principalId: PRINCIPAL, roleDefinitionId: "/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7" })]);
    // Reader's `*/read` is what grants the descendants read.
    expect(roleGrants({ actions: ["*/read"] }, "Microsoft.Management/managementGroups/descendants/read")).toBe(true);
    expect(checkManagedSubscriptionRoles([HOME, ...OTHERS], roles, PRINCIPAL)).toEqual([]);
  });
});
