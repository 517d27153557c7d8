/** Wire-level types shared by every simulator module. */

export interface SimRequest {
  method: string;
  /** Decoded path in its original case, without the query string. */
  path: string;
  query: URLSearchParams;
  /** Lower-cased header names, as Node gives them. */
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body, or undefined when there was none (or it was not JSON). */
  body: unknown;
  /** Set when a body was sent but is not JSON: the parser's message (ARM answers InvalidRequestContent). */
  bodyError?: string;
  rawBody: Buffer;
  /** From `/subscriptions/{id}/...` when the path has one. */
  subscriptionId?: string;
  /** `https://127.0.0.1:<port>`: for building absolute links (nextLink, Azure-AsyncOperation). */
  baseUrl: string;
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  /** Serialised as JSON unless it is a string or Buffer. */
  body?: unknown;
}

export type SimHandler = (req: SimRequest, params: Record<string, string>) => SimResponse | Promise<SimResponse>;

/** ARM throttles reads, writes and deletes in separate buckets per subscription. */
export type ArmOperationKind = "read" | "write" | "delete";

export interface ArmRouteOptions {
  /** Name used in stats, e.g. `ManagedClusters_Get`. */
  operation: string;
  kind: ArmOperationKind;
  /** A catch-all (generic resources): used only when no other route matches. */
  fallback?: boolean;
}

/** The Event Grid schema fields a publisher provides; the kernel stamps the rest. */
export interface EventGridEventInput {
  eventType: string;
  subject: string;
  data: unknown;
  dataVersion?: string;
}

/** An event in the Event Grid schema, as delivered to webhooks. */
export interface EventGridEvent {
  id: string;
  topic: string;
  subject: string;
  eventType: string;
  eventTime: string;
  data: unknown;
  dataVersion: string;
  metadataVersion: string;
}
