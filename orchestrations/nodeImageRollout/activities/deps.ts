/**
 * What the node-image activities need, as narrow ports: a test passes the simulator-backed SDK
 * client and the embedded Cosmos store, or typed fakes.
 */
import type { ContainerServiceClient } from "@azure/arm-containerservice";
import type { NowSource, Store } from "../../../shared/store";
import type { ArmErrorInfo } from "../../common/contracts";
import type { TeamsMessage } from "../../../shared/teams/adaptiveCard";
import type { PostOutcome } from "../../../shared/teams/webhook";

export interface NodeImageActivityDeps {
  /**
   * ARM through @azure/arm-containerservice. Build it with `retryOptions.maxRetries: 0`: a 429 must
   * come back to the orchestration (which waits on a durable timer) rather than sleep in the activity.
   */
  aks: ContainerServiceClient;
  store: Pick<Store, "clusters" | "operations">;
  clock: NowSource;
  teams: {
    webhookUrl: string;
    /** Links in cards (`PUBLIC_BASE_URL`). */
    publicBaseUrl: string;
    /** One attempt (shared/teams/webhook `postOnce`, with the local CA trusted locally). */
    post(url: string, message: TeamsMessage): Promise<PostOutcome>;
  };
}

export interface ArmCoordinates {
  subscriptionId: string;
  resourceGroup: string;
  cluster: string;
}

export class InvalidClusterResourceIdError extends Error {
  readonly permanent = true as const;
  constructor(readonly resourceId: string) {
    super(`Not a managed cluster resource id: ${resourceId}`);
    this.name = "InvalidClusterResourceIdError";
  }
}

export function coordinatesOf(resourceId: string): ArmCoordinates {
  const m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ContainerService\/managedClusters\/([^/]+)$/i.exec(resourceId.replace(/\/+$/, ""));
  if (!m) throw new InvalidClusterResourceIdError(resourceId);
  return { subscriptionId: m[1]!, resourceGroup: m[2]!, cluster: m[3]! };
}

export type ArmFailure =
  | { kind: "throttled"; retryAfterMs: number }
  | { kind: "conflict"; error: ArmErrorInfo }
  | { kind: "notFound"; error: ArmErrorInfo }
  | { kind: "other"; error: ArmErrorInfo; status?: number };

/** ARM answers 429 with Retry-After in seconds; without one, wait a bucket's refill (ARM refills 10–25 tokens a second). */
const DEFAULT_RETRY_AFTER_MS = 5_000;

/** Classifies what @azure/core-rest-pipeline threw (a `RestError`: `statusCode`, `code`, `response.headers`). */
export function classifyArmError(err: unknown): ArmFailure {
  const e = err as { statusCode?: unknown; code?: unknown; message?: unknown; response?: { headers?: { get?(name: string): string | undefined } }; details?: { error?: { code?: string; message?: string } } };
  const status = typeof e?.statusCode === "number" ? e.statusCode : undefined;
  const code = e?.details?.error?.code ?? (typeof e?.code === "string" ? e.code : undefined) ?? (status ? `Http${status}` : "Error");
  const message = e?.details?.error?.message ?? (typeof e?.message === "string" ? e.message : String(err));
  const error = { code, message: message.slice(0, 1000) };
  if (status === 429) {
    const header = e.response?.headers?.get?.("retry-after");
    const seconds = header !== undefined ? Number(header) : Number.NaN;
    return { kind: "throttled", retryAfterMs: Number.isFinite(seconds) ? seconds * 1000 : DEFAULT_RETRY_AFTER_MS };
  }
  if (status === 409) return { kind: "conflict", error };
  if (status === 404) return { kind: "notFound", error };
  return { kind: "other", error, status };
}

/** An ARM failure the activity does not handle: thrown with its context so the record names it. */
export class ArmCallError extends Error {
  constructor(readonly operation: string, readonly target: string, readonly armError: ArmErrorInfo, readonly status?: number) {
    super(`${operation} on ${target} failed${status ? ` (HTTP ${status})` : ""}: ${armError.code}: ${armError.message}`);
    this.name = "ArmCallError";
  }
}
