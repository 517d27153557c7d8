import type { SimKernel } from "../kernel";
import { registerGenericResources } from "./generic";
import { registerResourceGroups } from "./resource-groups";

export { publishWrite, requireResourceGroup, resourceGroupId, resourceGroupNotFound } from "./resource-groups";

/** Resource groups and generic resources (`Microsoft.Resources` and every unmodelled type). */
export function registerResources(kernel: SimKernel): void {
  registerResourceGroups(kernel);
  registerGenericResources(kernel);
}
