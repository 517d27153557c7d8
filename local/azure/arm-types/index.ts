import type { SimKernel } from "../kernel";
import { ArmTypeRegistry } from "./engine";
import { registerNetworkTypes } from "./network";
import { registerPlatformTypes } from "./platform";
import { registerPolicyDefinitions } from "./policy";

export { ArmTypeRegistry, type ResourceTypeSpec } from "./engine";
export { Directory, TENANT_ID } from "./platform";

/** The baseline's resource types (Network, ACR, Key Vault, Log Analytics, identities, RBAC, policy, action groups). */
export function registerArmTypes(kernel: SimKernel): ArmTypeRegistry {
  const registry = new ArmTypeRegistry(kernel);
  registerNetworkTypes(registry);
  registerPlatformTypes(registry, kernel);
  registerPolicyDefinitions(kernel);
  kernel.provide("armTypes", registry);
  return registry;
}
