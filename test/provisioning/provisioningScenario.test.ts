/**
 * Issue 12 (provisioning half) on the simulator, through the public contracts: a prod baseline
 * cluster is planned, approved in Teams and applied; every resource is read back through its SDK
 * client; the same request again plans no change; a fault on the App Gateway create stops the run
 * there and re-running the request completes it without re-creating what exists; bad ranges get 400.
 */
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { ContainerRegistryManagementClient } from "@azure/arm-containerregistry";
import { KeyVaultManagementClient } from "@azure/arm-keyvault";
import { NetworkManagementClient } from "@azure/arm-network";
import { ContainerServiceClient } from "@azure/arm-containerservice";
import { MonitorClient } from "@azure/arm-monitor";
import { ManagedServiceIdentityClient } from "@azure/arm-msi";
import { ResourceManagementClient } from "@azure/arm-resources";
import { readFileSync } from "node:fs";
import { Agent } from "node:https";
import { agentPolicy } from "@azure/core-rest-pipeline";
import { LocalTokenCredential } from "../../shared/azure";
import type { RequestRecord } from "../../local/azure/kernel/stats";
import { DESIRED_RESOURCE_LOGS, PLATFORM_RESOURCE_SETTING } from "../../shared/domain/governance/logCategories";
import type { OperationRecord } from "../../shared/store";
import type { ProvisioningSection } from "../../orchestrations/provisioning/contracts";
import { advance, api, approvalCards, approveUrl, armStats, decide, operationWith, sim, startHarness, type Harness } from "../platform/support";

type ProvisioningOp = OperationRecord & { provisioning: ProvisioningSection };

const ADMINS = "6b1e0000-0000-4000-8000-0000000000a1";
const READERS = "6b1e0000-0000-4000-8000-0000000000a2";
const CERT_RG = "rg-certs";
const CERT_VAULT = "kv-certs-scn";
const access = { adminGroupObjectIds: [ADMINS], namespaceReaders: [{ namespace: "a0008", groupObjectId: READERS }] };
const secretId = (sub: string, n: string) => `/subscriptions/${sub}/resourceGroups/${CERT_RG}/providers/Microsoft.KeyVault/vaults/${CERT_VAULT}/secrets/${n}`;
const prodRequest = (sub: string, name: string, spoke: string) => ({
  name, environment: "prod", location: "westeurope", network: { hubAddressSpace: "10.201.0.0/24", spokeAddressSpace: spoke }, access,
  tls: { gatewayCertificateSecretId: secretId(sub, "gateway-cert"), ingressRootCertificateSecretId: secretId(sub, "ingress-root") }
});


/** Conformance rules a provisioned cluster still fails: what the profile leaves out (profile.omitted). */
const NOT_PROVISIONED = {
  prod: [] as string[],
  staging: ["gitops-flux"],
  dev: ["bastion-for-ops", "gitops-flux"]
};
describe("provisioning a baseline cluster (issue 12)", () => {
  let h: Harness;
  let sub: string;
  let net: NetworkManagementClient;
  let aks: ContainerServiceClient;
  let auth: AuthorizationManagementClient;
  let acr: ContainerRegistryManagementClient;
  let kv: KeyVaultManagementClient;
  let monitor: MonitorClient;
  let msi: ManagedServiceIdentityClient;
  let rm: ResourceManagementClient;
  beforeAll(async () => {
    h = await startHarness({ seed: "none", adoptDemoClusters: false });
    sub = h.subscriptionId;
    const agent = new Agent({ ca: readFileSync(h.platform.settings.AKSOPS_LOCAL_CA_PATH ?? "", "utf8") });
    const base = h.platform.azure.baseUrl;
    const policies = [{ policy: agentPolicy(agent), position: "perCall" as const }];
    const cred = new LocalTokenCredential();
    net = new NetworkManagementClient(cred, sub, { endpoint: base, $host: base, credentialScopes: [`${base}/.default`], additionalPolicies: policies });
    auth = new AuthorizationManagementClient(cred, sub, { endpoint: base, $host: base, credentialScopes: [`${base}/.default`], additionalPolicies: policies });
    const ts = { endpoint: base, credentials: { scopes: [`${base}/.default`] }, additionalPolicies: policies };
    aks = new ContainerServiceClient(cred, sub, ts);
    acr = new ContainerRegistryManagementClient(cred, sub, ts);
    kv = new KeyVaultManagementClient(cred, sub, ts);
    monitor = new MonitorClient(cred, sub, ts);
    msi = new ManagedServiceIdentityClient(cred, sub, { endpoint: base, $host: base, credentialScopes: [`${base}/.default`], additionalPolicies: policies });
    rm = new ResourceManagementClient(cred, sub, ts);
    // The Entra groups the requests name (the directory refuses unknown principals: PrincipalNotFound).
    for (const objectId of [ADMINS, READERS]) expect((await sim(h, "POST", "/_sim/directory", { objectId, type: "Group" })).status).toBe(201);
    // The certificates prod names: Key Vault secrets in a vault the team owns.
    await rm.resourceGroups.createOrUpdate(CERT_RG, { location: "westeurope" });
    const vault = kv.vaults.createOrUpdate(CERT_RG, CERT_VAULT, { location: "westeurope", properties: { tenantId: "00000000-0000-0000-0000-000000000000", sku: { family: "A", name: "standard" }, enableRbacAuthorization: true } }, { updateIntervalInMs: 0 });
    await vault.submitted();
    await advance(h, 60_000);
    await vault.pollUntilDone();
    for (const n of ["gateway-cert", "ingress-root"]) await kv.secrets.createOrUpdate(CERT_RG, CERT_VAULT, n, { properties: { value: Buffer.from(`${n} material`).toString("base64") } });
  });
  afterAll(async () => { await h.stop(); });

  it("an overlapping spoke range gets a 400 naming it, and nothing is written", async () => {
    const res = await api<{ issues?: { field: string; message: string }[] }>(h, "POST", "/clusters", prodRequest(sub, "aks-bad", "10.201.0.0/16"));
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain("network.spokeAddressSpace");
    expect((await api(h, "GET", "/clusters/aks-bad")).status).toBe(404);
  });

  it("prod: plan shown → approval card → approve → every resource in ARM with its baseline properties → registered and adopted", async () => {
    // With a GitOps repository: the flux extension, its configuration and the firewall's GitOps egress.
    const body = { ...prodRequest(sub, "aks-p1", "10.240.0.0/16"), gitops: { url: "https://github.com/mspnp/aks-baseline", branch: "main", path: "./cluster-manifests" } };
    const started = await api<{ operationId: string; statusUrl: string }>(h, "POST", "/clusters", body);
    expect(started.status).toBe(202);
    const id = started.body.operationId;
    const waiting = await operationWith(h, id, (op) => op.status === "AwaitingApproval", "the plan to wait for approval") as ProvisioningOp;
    const planned = waiting.provisioning.resources ?? [];
    expect(planned.length).toBeGreaterThan(40);
    expect(planned.every((r) => r.change === "create")).toBe(true);
    const wave = (key: string) => planned.find((r) => r.key === key)!.wave!;
    expect(wave("firewall")).toBeLessThan(wave("route-table"));
    expect(wave("route-table")).toBeLessThan(wave("cluster"));
    expect(wave("ra-cp-netcontrib-snet-clusternodes")).toBeLessThan(wave("cluster"));
    expect(wave("ra-kubelet-acrpull")).toBeGreaterThan(wave("cluster"));
    expect(waiting.steps.length).toBe(planned.length);
    const cards = await approvalCards(h, "aks-p1");
    expect(cards).toHaveLength(1);
    // Provisioning's own words on the card and the confirmation page (not "upgrade", not "control plane" steps).
    const cardText = JSON.stringify(cards[0]);
    expect(cardText).toContain("Approve provisioning of **aks-p1**");
    expect(cardText).not.toContain("upgrade");
    const page = await (await fetch(approveUrl(cards[0]!))).text();
    expect(page).toContain("<title>Approve provisioning of aks-p1?</title>");
    expect(page).toContain("Azure Firewall fw-vnet-aks-p1-hub");
    expect((await decide(approveUrl(cards[0]!), "approve", "alice", "go")).status).toBe(200);
    const done = await operationWith(h, id, (op) => op.status === "Succeeded", "provisioning to succeed", 6 * 3600_000) as ProvisioningOp;
    expect(done.steps.every((s) => s.status === "Succeeded")).toBe(true);

    const rg = "rg-aks-p1-networking";
    const fw = await net.azureFirewalls.get(rg, "fw-vnet-aks-p1-hub");
    const fwIp = fw.ipConfigurations?.[0]?.privateIPAddress;
    expect(fwIp).toBe("10.201.0.4");
    const rt = await net.routeTables.get(rg, "route-aks-p1-to-hub-fw");
    expect(rt.routes?.[0]).toMatchObject({ addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: fwIp });
    const nodes = await net.subnets.get(rg, "vnet-aks-p1-spoke", "snet-clusternodes");
    expect(nodes.routeTable?.id?.toLowerCase()).toBe(rt.id?.toLowerCase());
    expect(nodes.networkSecurityGroup?.id).toMatch(/nsg-vnet-aks-p1-spoke-nodepools$/);
    const peering = await net.virtualNetworkPeerings.get(rg, "vnet-aks-p1-spoke", "to_vnet-aks-p1-hub");
    expect(peering.peeringState).toBe("Connected");
    const gw = await net.applicationGateways.get("rg-aks-p1", "apw-aks-p1");
    expect([gw.sku?.tier, gw.sslPolicy?.minProtocolVersion, gw.httpListeners?.[0]?.requireServerNameIndication]).toEqual(["WAF_v2", "TLSv1_2", true]);
    const registry = await acr.registries.get("rg-aks-p1", "acraksp1");
    expect([registry.sku.name, registry.publicNetworkAccess, registry.adminUserEnabled]).toEqual(["Premium", "Disabled", false]);
    // Prod's geo-replica at westeurope's Azure pair (acr-stamp.bicep:205-209; BASELINE.md §5), with its own data endpoint.
    const replicas = [];
    for await (const r of acr.replications.list("rg-aks-p1", "acraksp1")) replicas.push([r.name, r.location, r.provisioningState, r.status?.displayStatus]);
    expect(replicas).toEqual([["northeurope", "northeurope", "Succeeded", "Ready"]]);
    expect(registry.dataEndpointHostNames).toEqual(["acraksp1.westeurope.data.azurecr.io", "acraksp1.northeurope.data.azurecr.io"]);
    const vault = await kv.vaults.get("rg-aks-p1", "kv-aks-p1");
    expect([vault.properties.enableRbacAuthorization, vault.properties.networkAcls?.defaultAction]).toEqual([true, "Deny"]);

    const mc = await aks.managedClusters.get("rg-aks-p1", "aks-p1");
    const system = mc.agentPoolProfiles?.find((p) => p.mode === "System");
    const user = mc.agentPoolProfiles?.find((p) => p.mode === "User");
    expect([system?.count, system?.nodeTaints, user?.availabilityZones]).toEqual([3, ["CriticalAddonsOnly=true:NoSchedule"], ["1", "2", "3"]]);
    expect([mc.networkProfile?.networkPlugin, mc.networkProfile?.networkPluginMode, mc.networkProfile?.networkPolicy, mc.networkProfile?.outboundType]).toEqual(["azure", "overlay", "azure", "userDefinedRouting"]);
    expect([mc.aadProfile?.managed, mc.aadProfile?.enableAzureRbac, mc.disableLocalAccounts, mc.oidcIssuerProfile?.enabled, mc.securityProfile?.workloadIdentity?.enabled]).toEqual([true, true, true, true, true]);
    expect([mc.apiServerAccessProfile?.enablePrivateCluster, mc.securityProfile?.defender?.securityMonitoring?.enabled, mc.sku?.tier]).toEqual([true, true, "Standard"]);
    const kubelet = mc.identityProfile?.["kubeletidentity"]?.objectId;
    const pulls = [];
    for await (const ra of auth.roleAssignments.listForScope(registry.id ?? "")) pulls.push(ra);
    expect(pulls.some((ra) => ra.principalId === kubelet && ra.roleDefinitionId?.endsWith("7f951dda-4ed3-4680-a7ca-43fe172d538d"))).toBe(true);

    // Issue 28, through the SDK clients. People: the admin group holds AKS RBAC Cluster Admin at the cluster, readers their namespace.
    const atCluster: { scope?: string; roleDefinitionId?: string; principalId?: string; principalType?: string }[] = [];
    for await (const ra of auth.roleAssignments.listForScope(mc.id ?? "")) atCluster.push(ra);
    const holds = (scope: string, role: string, group: string) => atCluster.some((ra) => ra.scope?.toLowerCase() === scope.toLowerCase() && ra.roleDefinitionId?.endsWith(role) && ra.principalId === group && ra.principalType === "Group");
    expect([holds(mc.id ?? "", "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b", ADMINS), holds(mc.id ?? "", "4abbcc35-e782-43d8-92c5-2d3f1bd2253f", ADMINS), holds(`${mc.id ?? ""}/namespaces/a0008`, "7f6c6a51-bcf8-42ba-9220-52d62157d7db", READERS)]).toEqual([true, true, true]);
    expect(mc.aadProfile?.adminGroupObjectIDs).toEqual([ADMINS]);
    // The workload path: the backend FQDN resolves in a zone linked to the spoke, to an address of the ingress subnet.
    const fqdn = gw.backendAddressPools?.[0]?.backendAddresses?.[0]?.fqdn ?? "";
    const [host, ...zoneParts] = fqdn.split(".");
    const zoneId = `/subscriptions/${sub}/resourceGroups/rg-aks-p1/providers/Microsoft.Network/privateDnsZones/${zoneParts.join(".")}`;
    const record = await rm.resources.getById(`${zoneId}/A/${host ?? ""}`, "2024-06-01") as unknown as { properties: { aRecords: { ipv4Address: string }[] } };
    const links = await rm.resources.getById(`${zoneId}/virtualNetworkLinks/to_vnet-aks-p1-spoke`, "2024-06-01") as unknown as { properties: { virtualNetwork: { id: string } } };
    const spoke = await net.virtualNetworks.get(rg, "vnet-aks-p1-spoke");
    expect(links.properties.virtualNetwork.id.toLowerCase()).toBe(spoke.id?.toLowerCase());
    const ingress = await net.subnets.get(rg, "vnet-aks-p1-spoke", "snet-clusteringressservices");
    const ip = record.properties.aRecords[0]?.ipv4Address ?? "";
    expect([ingress.addressPrefix, ip]).toEqual(["10.240.4.0/28", "10.240.4.4"]);
    // It trusts the root certificate read from the vault the request names, and serves the named certificate.
    const root = await kv.secrets.get(CERT_RG, CERT_VAULT, "ingress-root");
    expect(gw.trustedRootCertificates?.[0]?.keyVaultSecretId).toBe(root.properties.secretUri);
    expect(gw.backendHttpSettingsCollection?.[0]?.trustedRootCertificates?.[0]?.id).toBe(gw.trustedRootCertificates?.[0]?.id);
    expect(gw.sslCertificates?.[0]?.keyVaultSecretId).toBe((await kv.secrets.get(CERT_RG, CERT_VAULT, "gateway-cert")).properties.secretUri);
    // Monitoring: the Prometheus and Container insights rules are associated with the cluster.
    const dcras: (string | undefined)[] = [];
    for await (const a of monitor.dataCollectionRuleAssociations.listByResource(mc.id ?? "")) dcras.push(a.dataCollectionRuleId?.split("/").pop());
    expect(dcras.sort()).toEqual(["MSCI-westeurope-aks-p1", "MSProm-westeurope-aks-p1"]);
    const prom = await monitor.dataCollectionRules.get("rg-aks-p1", "MSProm-westeurope-aks-p1");
    expect(prom.destinations?.monitoringAccounts?.[0]?.accountResourceId).toMatch(/\/Microsoft\.Monitor\/accounts\/amw-aks-p1$/);
    // The ingress controller's workload identity can sign in: its federated credential's issuer is the cluster's OIDC issuer.
    const fic = await msi.federatedIdentityCredentials.get("rg-aks-p1", "podmi-aks-p1-ingress-controller", "ingress-controller");
    expect([fic.issuer, fic.subject]).toEqual([mc.oidcIssuerProfile?.issuerURL, "system:serviceaccount:ingress:ingress-controller"]);
    expect(fic.issuer).toMatch(/^https:\/\//);
    // The kubelet manages its node resource group (which AKS created, managed by the cluster).
    const nodeRg = await rm.resourceGroups.get("rg-aks-p1-nodepools");
    expect(nodeRg.managedBy?.toLowerCase()).toBe(mc.id?.toLowerCase());
    // Three firewall addresses for SNAT capacity, policy analytics on (prod, BASELINE.md §5).
    expect(fw.ipConfigurations?.length).toBe(3);
    expect((await net.firewallPolicies.get(rg, "fwp-vnet-aks-p1-hub")).insights?.isEnabled).toBe(true);

    // Resource logs: the firewall, App Gateway, Key Vault and registry each send governance's categories to the workspace.
    const workspace = `/subscriptions/${sub}/resourceGroups/rg-aks-p1/providers/Microsoft.OperationalInsights/workspaces/la-aks-p1`;
    for (const [id, kind] of [[fw.id, "firewall"], [gw.id, "applicationGateway"], [vault.id, "keyVault"], [registry.id, "containerRegistry"]] as const) {
      const settings = [];
      for await (const ds of monitor.diagnosticSettings.list(id ?? "")) settings.push(ds);
      const ours = settings.find((ds) => ds.name === PLATFORM_RESOURCE_SETTING);
      expect([kind, ours?.workspaceId?.toLowerCase(), (ours?.logs ?? []).filter((l) => l.enabled).map((l) => l.category).sort()])
        .toEqual([kind, workspace.toLowerCase(), [...DESIRED_RESOURCE_LOGS[kind].categories].sort()]);
    }

    const cluster = await api<{ id: string; resourceId: string; observed?: unknown }>(h, "GET", "/clusters/aks-p1");
    expect(cluster.status).toBe(200);
    expect(cluster.body.resourceId.toLowerCase()).toBe(mc.id?.toLowerCase());
    await operationWith(h, "adopt:aks-p1", (op) => op.status === "Succeeded", "the adoption to succeed");
    // Adoption stored the first conformance report. Issue 29's acceptance: a prod cluster provisioned from the baseline
    // with a GitOps repository fails nothing and judges at least 70 of the 72 rules; the two it does not judge are
    // the authorized ranges of a private API server (#22: none apply) and informational backup (#72: the reference
    // has none, ART L517). (Dev has no GitOps repository and no Bastion, so those two rules fail there.)
    const conformance = await api<{ summary: { total: number; pass: number; fail: number; notApplicable: number }; rules: { id: string; status: string; evidence: string }[] }>(h, "GET", "/clusters/aks-p1/conformance");
    expect(conformance.status).toBe(200);
    expect(conformance.body.rules.filter((r) => r.status === "fail").map((r) => `${r.id}: ${r.evidence}`)).toEqual(NOT_PROVISIONED.prod);
    expect(conformance.body.rules.filter((r) => r.status === "notApplicable").map((r) => r.id).sort()).toEqual(["authorized-ranges-include-egress", "backup-optional"]);
    expect(conformance.body.summary).toMatchObject({ total: 72, fail: 0 });
    expect(conformance.body.summary.pass + conformance.body.summary.fail).toBeGreaterThanOrEqual(70);
    expect(conformance.body.rules.find((r) => r.id === "acr-geo-replication")).toMatchObject({ status: "pass" });
    const findings = await api<{ findings?: { open: number } }>(h, "GET", "/clusters/aks-p1");
    expect(findings.body.findings?.open).toBe(NOT_PROVISIONED.prod.length);

    // The same request again, once it has ended: a fresh plan from ARM, with nothing to change.
    const again = await api<{ operationId: string; rerun?: boolean }>(h, "POST", "/clusters", body);
    expect([again.status, again.body.rerun]).toEqual([202, true]);
    const rerun = await operationWith(h, id, (op) => op.status === "Succeeded" && op.resumes === 1, "the re-run to succeed") as ProvisioningOp;
    expect(rerun.provisioning.summary).toEqual({ create: 0, update: 0, noChange: planned.length, waves: 0 });
    expect(rerun.steps).toEqual([]);
    // A different body for the same name is a conflict.
    expect((await api(h, "POST", "/clusters", { ...body, location: "northeurope" })).status).toBe(409);
  });

  it("staging without a GitOps repository: a fresh cluster fails only Flux (Premium firewall, three addresses, private API, admin group, flowing monitoring)", async () => {
    const body = { ...prodRequest(sub, "aks-s1", "10.242.0.0/16"), environment: "staging", network: { hubAddressSpace: "10.203.0.0/24", spokeAddressSpace: "10.242.0.0/16" }, policy: { approval: "none" } };
    const started = await api<{ operationId: string }>(h, "POST", "/clusters", body);
    expect(started.status).toBe(202);
    await operationWith(h, started.body.operationId, (op) => op.status === "Succeeded", "staging provisioning to succeed", 6 * 3600_000);
    await operationWith(h, "adopt:aks-s1", (op) => op.status === "Succeeded", "the staging adoption to succeed");
    const conformance = await api<{ rules: { id: string; status: string; evidence: string }[] }>(h, "GET", "/clusters/aks-s1/conformance");
    // Without a gitops repository (optional) the profile installs no Flux (profile.omitted): #69 is all it fails;
    // with one it fails nothing (the GitOps test below, issue 29's acceptance).
    expect(conformance.body.rules.filter((r) => r.status === "fail").map((r) => r.id)).toEqual(NOT_PROVISIONED.staging);
    expect(conformance.body.rules.filter((r) => ["entra-admin-assignment", "monitoring-ci", "monitoring-prometheus"].includes(r.id)).map((r) => r.status)).toEqual(["pass", "pass", "pass"]);
  });

  it("a fault on the App Gateway create fails there; the same request again completes without re-creating what exists", async () => {
    const body = { name: "aks-d1", environment: "dev", location: "westeurope", network: { hubAddressSpace: "10.202.0.0/24", spokeAddressSpace: "10.241.0.0/16" }, access: { adminGroupObjectIds: [ADMINS] } };
    const gwId = `/subscriptions/${sub}/resourceGroups/rg-aks-d1/providers/Microsoft.Network/applicationGateways/apw-aks-d1`;
    expect((await sim(h, "POST", "/_sim/faults", { kind: "createFailure", target: gwId, count: 1, message: "ApplicationGatewayKeyVaultSecretException" })).status).toBe(201);
    const started = await api<{ operationId: string }>(h, "POST", "/clusters", body);
    expect(started.status).toBe(202);
    const failed = await operationWith(h, started.body.operationId, (op) => op.status === "Failed", "the run to fail at the App Gateway", 6 * 3600_000) as ProvisioningOp;
    const failedStep = failed.steps.find((s) => s.status === "Failed");
    expect(failedStep?.name).toBe("create App Gateway apw-aks-d1 (WAF_v2)");
    const before = await armStats(h);
    const again = await api<{ rerun?: boolean }>(h, "POST", "/clusters", body);
    expect([again.status, again.body.rerun]).toEqual([202, true]);
    const done = await operationWith(h, started.body.operationId, (op) => op.status === "Succeeded", "the re-run to succeed", 6 * 3600_000) as ProvisioningOp;
    // Only what had not succeeded runs again: the failed App Gateway (now an update of the Failed
    // resource) and the steps the stop left unstarted; nothing that exists is created again.
    const notDone = failed.steps.filter((s) => s.status !== "Succeeded").map((s) => s.name.replace(/^create App Gateway/, "update App Gateway"));
    // Governance may put back the platform's diagnostic setting on the registered cluster in the
    // meantime (it wants the same setting): the re-run then finds it as no change.
    expect(notDone).toEqual(expect.arrayContaining(done.steps.map((s) => s.name)));
    expect(notDone.filter((n) => !done.steps.some((s) => s.name === n)).every((n) => n.includes("diagnostic setting"))).toBe(true);
    expect(done.steps.map((s) => s.name)).toContain("update App Gateway apw-aks-d1 (WAF_v2)");
    expect(done.steps.every((s) => s.status === "Succeeded")).toBe(true);
    const after = await armStats(h);
    // Writes of the plan's resource types (the adoption that follows writes the cluster and its Event Grid subscription).
    const writes = (s: Record<string, Record<string, number>>) => Object.entries(s).filter(([k]) => /_CreateOrUpdate$/.test(k) && !/ManagedClusters|SystemTopic|EventSubscription|DiagnosticSettings/.test(k)).reduce((n, [, v]) => n + Object.values(v).reduce((a, b) => a + b, 0), 0);
    // (diagnostic settings left out: governance may write the same one meanwhile, see above)
    expect(writes(after) - writes(before)).toBe(notDone.filter((n) => !n.includes("diagnostic setting")).length);
    const gw = await net.applicationGateways.get("rg-aks-d1", "apw-aks-d1");
    expect(gw.provisioningState).toBe("Succeeded");
    // Dev without certificates: a self-signed pair the platform wrote to the cluster's vault; the value is in no record.
    const devRoot = await kv.secrets.get("rg-aks-d1", "kv-aks-d1", "appgw-ingress-internal-aks-ingress-tls");
    expect([devRoot.properties.value, gw.trustedRootCertificates?.[0]?.keyVaultSecretId]).toEqual([undefined, devRoot.properties.secretUri]);
    expect(done.provisioning.omitted?.map((o) => o.what)).toContain("trusted TLS certificates");
    await advance(h, 60_000);
    // Dev's baseline (public API server with the firewall's address authorized, VNet integration) fails no rule either.
    await operationWith(h, "adopt:aks-d1", (op) => op.status === "Succeeded", "the dev adoption to succeed");
    const conformance = await api<{ rules: { id: string; status: string; evidence: string }[] }>(h, "GET", "/clusters/aks-d1/conformance");
    expect(conformance.body.rules.filter((r) => r.status === "fail").map((r) => r.id).sort()).toEqual(NOT_PROVISIONED.dev);
  });

  it("staging with a GitOps repository: provisioned, adopted, and every rule that applies passes (the acceptance of issue 29)", async () => {
    // Outside dev a request names its admin groups and TLS secrets (issue 28); its own name and ranges (the
    // staging test above provisioned aks-s1).
    const body = { ...prodRequest(sub, "aks-s2", "10.243.0.0/16"), environment: "staging", network: { hubAddressSpace: "10.204.0.0/24", spokeAddressSpace: "10.243.0.0/16" },
      gitops: { url: "https://github.com/mspnp/aks-baseline", path: "./cluster-manifests" } };
    const started = await api<{ operationId: string }>(h, "POST", "/clusters", body);
    expect(started.status).toBe(202);
    const gate = await operationWith(h, started.body.operationId, (op) => op.status === "AwaitingApproval" || op.status === "Succeeded", "the plan or the run", 6 * 3600_000);
    if (gate.status === "AwaitingApproval") {
      const cards = await approvalCards(h, "aks-s2");
      expect((await decide(approveUrl(cards[0]!), "approve", "alice", "staging")).status).toBe(200);
    }
    await operationWith(h, started.body.operationId, (op) => op.status === "Succeeded", "the staging run to succeed", 6 * 3600_000);
    await operationWith(h, "adopt:aks-s2", (op) => op.status === "Succeeded", "the staging adoption to succeed");
    const seen: RequestRecord[] = [];
    const onResponse = (r: RequestRecord): void => { seen.push(r); };
    h.platform.azure.kernel.stats.on("response", onResponse);
    const report = await api<{ summary: { total: number; pass: number; fail: number; notApplicable: number }; rules: { id: string; status: string; evidence: string }[] }>(h, "GET", "/clusters/aks-s2/conformance");
    expect(report.body.rules.filter((r) => r.status === "fail").map((r) => `${r.id}: ${r.evidence}`)).toEqual([]);
    // Not judged in staging, and only these four: the two prod-only rules of BASELINE.md §5 (the SLA tier, "Free or
    // Standard" in staging; the registry's geo-replica, "none" in staging), the private API's authorized ranges (#22)
    // and informational backup (#72). 68 judged is staging's ceiling: the issue's "≥ 70" holds for prod (above).
    expect(report.body.rules.filter((r) => r.status === "notApplicable").map((r) => r.id).sort())
      .toEqual(["acr-geo-replication", "authorized-ranges-include-egress", "backup-optional", "sku-tier-sla"]);
    expect(report.body.summary).toMatchObject({ total: 72, pass: 68, fail: 0, notApplicable: 4 });
    expect(report.body.rules.find((r) => r.id === "gitops-flux")).toMatchObject({ status: "pass" });
    h.platform.azure.kernel.stats.off("response", onResponse);
    // One evaluation of a provisioned cluster (one node subnet, one registry, vault and gateway): 12 reads of the cluster's own
    // (with its API-server subnet; its role assignments for #5, its two data collection rule associations and their rules for
    // #45/#46), 30 of its dependencies (the firewall's three public IPs each with its diagnostic settings); docs/conformance.md counts them.
    const byOperation: Record<string, number> = {};
    for (const r of seen) byOperation[r.operation] = (byOperation[r.operation] ?? 0) + 1;
    console.log(`ARM requests of one evaluation of a provisioned cluster: ${seen.length} ${JSON.stringify(byOperation)}`);
    expect(seen.every((r) => r.method === "GET")).toBe(true);
    expect(seen.length).toBe(42);
  });

  it("roles before the cluster: without the control-plane identity's Network Contributor on the node subnet the cluster PUT fails (LinkedAuthorizationFailed); the re-run grants it again and completes", async () => {
    // AKS checks the user-assigned control-plane identity's rights on the subnets at create
    // (local/azure/aks/identity-checks.ts; learn.microsoft.com/azure/aks/configure-azure-cni).
    const body = { name: "aks-d2", environment: "dev", location: "westeurope", network: { hubAddressSpace: "10.203.0.0/24", spokeAddressSpace: "10.242.0.0/16" } };
    const started = await api<{ operationId: string }>(h, "POST", "/clusters", body);
    expect(started.status).toBe(202);
    const id = started.body.operationId;
    const granted = "create role networkContributor → id-controlplane on snet-clusternodes";
    const cluster = "create AKS cluster aks-d2";
    // The grant is written, the cluster not yet started (it waits for the firewall and the rest of its wave)...
    const between = await operationWith(h, id, (op) => op.steps.some((s) => s.name === granted && s.status === "Succeeded"), "the grant on the node subnet", 6 * 3600_000);
    expect(between.steps.find((s) => s.name === cluster)?.status).toBe("Pending");
    // ...when someone removes it.
    const subnet = `/subscriptions/${sub}/resourceGroups/rg-aks-d2-networking/providers/Microsoft.Network/virtualNetworks/vnet-aks-d2-spoke/subnets/snet-clusternodes`;
    const grants = [];
    for await (const ra of auth.roleAssignments.listForScope(subnet)) if (ra.roleDefinitionId?.endsWith("4d97b98b-1d4f-4787-a291-c67834d212e7") && ra.scope?.toLowerCase() === subnet.toLowerCase()) grants.push(ra);
    expect(grants).toHaveLength(1);
    await auth.roleAssignments.deleteById(grants[0]!.id ?? "");
    const failed = await operationWith(h, id, (op) => op.status === "Failed", "the run to stop at the cluster", 6 * 3600_000) as ProvisioningOp;
    const step = failed.steps.find((s) => s.status === "Failed");
    expect(step?.name).toBe(cluster);
    expect(step?.error?.code).toBe("LinkedAuthorizationFailed");
    // (the platform's record shortens the action's path; the scope is kept)
    expect(step?.error?.message).toContain(`does not have permission to perform action(s) 'Microsoft.Network`);
    expect(step?.error?.message).toContain(`on the linked scope(s) '${subnet}'`);
    await expect(aks.managedClusters.get("rg-aks-d2", "aks-d2")).rejects.toMatchObject({ statusCode: 404 });
    // The same request again: the plan, read from ARM, has the grant to create (before the cluster) and completes.
    expect((await api(h, "POST", "/clusters", body)).status).toBe(202);
    const done = await operationWith(h, id, (op) => op.status === "Succeeded" && op.resumes === 1, "the re-run to succeed", 6 * 3600_000) as ProvisioningOp;
    const names = done.steps.map((s) => s.name);
    expect(names).toContain(granted);
    expect(names.indexOf(granted)).toBeLessThan(names.indexOf(cluster));
    expect((await aks.managedClusters.get("rg-aks-d2", "aks-d2")).provisioningState).toBe("Succeeded");
  });
});
