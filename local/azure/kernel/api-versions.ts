import { ArmError } from "./errors";

/** ARM's api-version shape: a date, optionally with a pre-release suffix. */
const FORMAT = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(-(preview|privatepreview|alpha|beta))?$/i;

/**
 * The api-versions each modelled resource provider accepts. ARM rejects a version it does not
 * know for the type with 400 `InvalidApiVersionParameter` ("The api-version '…' is invalid. The
 * supported versions are '…'."), before the provider is asked; a malformed version is rejected for
 * every provider. Namespaces nobody registered accept any well-formed version (generic resources).
 */
export class ApiVersionRegistry {
  private readonly byNamespace = new Map<string, Set<string>>();

  /** Registers a namespace's (`Microsoft.ContainerService`) or one type's (`Microsoft.Insights/actionGroups`) versions. */
  register(namespace: string, versions: readonly string[]): void {
    const set = this.byNamespace.get(namespace.toLowerCase()) ?? new Set<string>();
    for (const v of versions) set.add(v.toLowerCase());
    this.byNamespace.set(namespace.toLowerCase(), set);
  }

  /** The versions registered for a namespace (empty: not modelled). */
  versionsOf(namespace: string): string[] {
    return [...(this.byNamespace.get(namespace.toLowerCase()) ?? [])].sort();
  }

  /**
   * The error ARM answers for this path and api-version, or undefined when it is accepted. A
   * resource type registered on its own (`Microsoft.Insights/actionGroups`) is checked against its
   * versions; otherwise its namespace's (`Microsoft.ContainerService`), if registered.
   */
  check(path: string, apiVersion: string): ArmError | undefined {
    const namespace = namespaceOfPath(path);
    const type = typeOfPath(path);
    const key = type && this.byNamespace.has(type.toLowerCase()) ? type : namespace;
    const known = key ? this.byNamespace.get(key.toLowerCase()) : undefined;
    if (FORMAT.test(apiVersion) && (!known || known.has(apiVersion.toLowerCase()))) return undefined;
    const supported = key ? this.versionsOf(key) : [];
    return new ArmError(400, "InvalidApiVersionParameter",
      `The api-version '${apiVersion}' is invalid. The supported versions are '${supported.length ? supported.join(",") : "a date in the form yyyy-mm-dd[-preview]"}'.`);
  }
}

/** `Microsoft.Network/virtualNetworks/subnets` for a path under the last `/providers/` (collections too). */
export function typeOfPath(path: string): string | undefined {
  const parts = path.split("/").filter(Boolean);
  const i = parts.map((p) => p.toLowerCase()).lastIndexOf("providers");
  if (i < 0 || !parts[i + 1]) return undefined;
  const types: string[] = [];
  for (let j = i + 2; j < parts.length; j += 2) types.push(parts[j] ?? "");
  return [parts[i + 1], ...types].join("/");
}

/** The provider namespace a path is served by: the one after the last `/providers/`. */
export function namespaceOfPath(path: string): string | undefined {
  const parts = path.split("/").filter(Boolean);
  const i = parts.map((p) => p.toLowerCase()).lastIndexOf("providers");
  return i >= 0 ? parts[i + 1] : undefined;
}
