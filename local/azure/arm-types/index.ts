import type { SimKernel } from "../kernel";
import { ArmTypeRegistry } from "./engine";
import { kubernetesConfigurationTypes } from "./kubernetesConfiguration";
import { registerNetworkTypes } from "./network";
import { registerPlatformTypes } from "./platform";
import { registerPolicyDefinitions } from "./policy";

export { ArmTypeRegistry, type ResourceTypeSpec } from "./engine";
export { Directory, TENANT_ID } from "./platform";

/** The baseline's resource types (Network, ACR, Key Vault, Log Analytics, identities, RBAC, policy, action groups, cluster extensions and Flux). */
export function registerArmTypes(kernel: SimKernel): ArmTypeRegistry {
  const registry = new ArmTypeRegistry(kernel);
  registerNetworkTypes(registry);
  registerPlatformTypes(registry, kernel);
  registerPolicyDefinitions(kernel);
  for (const spec of kubernetesConfigurationTypes()) registry.register(spec);
  kernel.provide("armTypes", registry);
  return registry;
}
