import type { Clock } from "../../clock";

export type FaultKind =
  | "upgradeFailure"
  | "drainTimeout"
  | "unhealthyPool"
  | "throttle"
  | "conflict"
  | "eventDuplicate"
  | "eventReorder"
  | "teamsFailure"
  | "webhookFailure"
  | "serverError"
  | "createFailure"
  /** Any ARM request under its target (optionally one `method`) answered 400 with `code`/`message`: what retrying will not fix. */
  | "badRequest";

export const FAULT_KINDS: readonly FaultKind[] = [
  "upgradeFailure", "drainTimeout", "unhealthyPool", "throttle", "conflict",
  "eventDuplicate", "eventReorder", "teamsFailure", "webhookFailure", "serverError", "createFailure", "badRequest"
];

export interface FaultSpec {
  kind: FaultKind;
  /**
   * What the fault applies to: a resource id (case-insensitive; also matches anything under it, so a
   * cluster id covers its pools), a subscription id, a channel name... Absent: everything.
   */
  target?: string;
  /**
   * Narrows the fault to ARM paths of one resource type, e.g. `Microsoft.Network/azureFirewalls`
   * or `Microsoft.Network/virtualNetworks/subnets` (items and their collection), alone or with `target`.
   */
  resourceType?: string;
  /** How many times it fires (`take`) before it is used up. Absent: until `until`, or forever. */
  count?: number;
  /** Epoch ms or ISO time after which it no longer applies. */
  until?: number | string;
  /** Convenience: `until = now + durationMs`. */
  durationMs?: number;
  /** Kind-specific parameters (e.g. `status` for teamsFailure, `retryAfterSeconds` for throttle). */
  [param: string]: unknown;
}

export interface Fault extends FaultSpec {
  id: string;
  /** Normalised: epoch ms. */
  until?: number;
  createdAt: number;
  fired: number;
}

export class UnknownFaultKindError extends Error {
  override readonly name = "UnknownFaultKindError";
  constructor(readonly kind: string) {
    super(`Unknown fault kind '${kind}'; expected one of ${FAULT_KINDS.join(", ")}`);
  }
}

/** Injected faults. Each module asks for the kinds it honours with `take` (consumes) or `peek`. */
export class FaultRegistry {
  private faults: Fault[] = [];
  private seq = 0;

  constructor(private readonly clock: Clock) {}

  add(spec: FaultSpec): string {
    if (!FAULT_KINDS.includes(spec.kind)) throw new UnknownFaultKindError(String(spec.kind));
    const id = `fault-${++this.seq}`;
    const until = spec.until !== undefined
      ? new Date(spec.until).getTime()
      : spec.durationMs !== undefined ? this.clock.now() + spec.durationMs : undefined;
    this.faults.push({ ...spec, id, until, createdAt: this.clock.now(), fired: 0 });
    return id;
  }

  /** The first live fault of `kind` matching `target`, without consuming it. */
  peek(kind: FaultKind, target?: string): Fault | undefined {
    this.expire();
    return this.faults.find((f) => f.kind === kind && matches(f.target, target) && matchesType(f.resourceType, target));
  }

  /** Like `peek`, and counts one firing (a fault with `count` is removed when used up). */
  take(kind: FaultKind, target?: string): Fault | undefined {
    const fault = this.peek(kind, target);
    if (!fault) return undefined;
    fault.fired++;
    if (fault.count !== undefined && fault.fired >= fault.count) this.remove(fault.id);
    return fault;
  }

  remove(id: string): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((f) => f.id !== id);
    return this.faults.length !== before;
  }

  clear(): void {
    this.faults = [];
  }

  list(): Fault[] {
    this.expire();
    return [...this.faults];
  }

  private expire(): void {
    const now = this.clock.now();
    this.faults = this.faults.filter((f) => f.until === undefined || f.until > now);
  }
}

function matches(faultTarget: string | undefined, target: string | undefined): boolean {
  if (faultTarget === undefined || faultTarget === "" || faultTarget === "*") return true;
  if (target === undefined) return false;
  const f = faultTarget.toLowerCase().replace(/\/+$/, "");
  const t = target.toLowerCase();
  return t === f || t.startsWith(f + "/");
}

/** True when the fault names no type, or `target` is an ARM path through that type's segments. */
function matchesType(resourceType: unknown, target: string | undefined): boolean {
  if (typeof resourceType !== "string" || resourceType === "") return true;
  if (target === undefined) return false;
  const [namespace = "", ...types] = resourceType.toLowerCase().split("/");
  const escape = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const pattern = `/providers/${escape(namespace)}/${types.map(escape).join("/[^/]+/")}(/[^/]+)?$`;
  return new RegExp(pattern).test(target.toLowerCase().replace(/\/+$/, ""));
}

/** A fault parameter as a string (numbers are stringified; anything else is ignored). */
export function stringParam(fault: Fault, key: string): string | undefined {
  const v = fault[key];
  return typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined;
}
