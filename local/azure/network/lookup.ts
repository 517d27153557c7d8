import type { ArmResource, SimKernel } from "../kernel";

export const VNET_TYPE = "Microsoft.Network/virtualNetworks";
export const SUBNET_TYPE = "Microsoft.Network/virtualNetworks/subnets";

export interface SubnetView {
  id: string;
  name: string;
  properties: Record<string, unknown>;
  vnet: ArmResource;
}

function record(v: unknown): Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** The subnet behind an id (a child resource, or an entry of its VNet's `subnets`), with its VNet. */
export function findSubnet(kernel: SimKernel, subnetId: string): SubnetView | undefined {
  const m = /^(.*\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+)\/subnets\/([^/]+)$/i.exec(subnetId.replace(/\/+$/, ""));
  if (!m) return undefined;
  const vnet = kernel.store.get(m[1] ?? "");
  if (!vnet) return undefined;
  const name = m[2] ?? "";
  const child = kernel.store.get(`${vnet.id}/subnets/${name}`);
  if (child) return { id: child.id, name: child.name, properties: record(child.properties), vnet };
  const inline = subnetsOf(vnet).find((s) => typeof s.name === "string" && s.name.toLowerCase() === name.toLowerCase());
  if (!inline) return undefined;
  return { id: `${vnet.id}/subnets/${String(inline.name)}`, name: String(inline.name), properties: record(inline.properties), vnet };
}

/** The entries of a VNet's `properties.subnets`. */
export function subnetsOf(vnet: ArmResource): { name?: unknown; id?: unknown; properties?: unknown }[] {
  const list = record(vnet.properties).subnets;
  return Array.isArray(list) ? (list as { name?: unknown }[]).filter((s) => typeof s === "object" && s !== null) : [];
}

/** A subnet's address prefixes (`addressPrefix` and `addressPrefixes`). */
export function subnetPrefixes(props: Record<string, unknown>): string[] {
  const out: string[] = [];
  if (typeof props.addressPrefix === "string") out.push(props.addressPrefix);
  if (Array.isArray(props.addressPrefixes)) for (const p of props.addressPrefixes) if (typeof p === "string") out.push(p);
  return out;
}

/** A VNet's `addressSpace.addressPrefixes`. */
export function vnetPrefixes(vnet: ArmResource): string[] {
  const space = record(record(vnet.properties).addressSpace).addressPrefixes;
  return Array.isArray(space) ? space.filter((p): p is string => typeof p === "string") : [];
}

export function refId(v: unknown): string | undefined {
  const id = record(v).id;
  return typeof id === "string" ? id : undefined;
}
