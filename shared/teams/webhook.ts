import type { TeamsMessage } from "./adaptiveCard";

/**
 * Posting to a Teams webhook (incoming webhook or Workflows trigger URL).
 *
 * Activities must stay short, so the building blocks are separate: `postOnce` makes one attempt
 * and classifies the answer; `computeBackoff` says how long to wait before the next one, so an
 * orchestration can wait with a durable timer. `postToTeams` strings them together for callers
 * that may wait in-process (the waiting is injectable, so tests never sleep).
 *
 * Teams quirk: the connector-based incoming webhook answers `200` with a text body
 * "Webhook message delivery failed with error: Microsoft Teams endpoint returned HTTP error 429 …"
 * when delivery actually failed (MicrosoftDocs/msteams-docs#402, #1810, #7425); the embedded
 * status is what counts. A successful connector post answers `200` with body `1`; Workflows
 * answer `202`.
 */
export type PostOutcome =
  | { delivered: true; status: number }
  | { delivered: false; status?: number; retryable: boolean; retryAfterMs?: number; error: string };

export interface PostOnceOptions {
  fetch?: typeof fetch;
  /** Per-attempt timeout; default 10 s. */
  timeoutMs?: number;
}

export class TeamsDeliveryError extends Error {
  constructor(
    readonly host: string,
    readonly attempts: number,
    readonly last: Extract<PostOutcome, { delivered: false }>
  ) {
    super(`Teams webhook at ${host} did not accept the message after ${attempts} attempt${attempts === 1 ? "" : "s"}: ${last.error}`);
    this.name = "TeamsDeliveryError";
  }

  /** A 4xx other than 408/429: retrying the same message will not help. */
  get permanent(): boolean {
    return !this.last.retryable;
  }
}

const EMBEDDED_FAILURE = /Webhook message delivery failed with error: .*?returned HTTP error (\d{3})/i;

export async function postOnce(url: string, message: TeamsMessage, options: PostOnceOptions = {}): Promise<PostOutcome> {
  const doFetch = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(message),
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000)
    });
  } catch (error) {
    return { delivered: false, retryable: true, error: `request failed: ${describeError(error)}` };
  }
  const body = await response.text().catch(() => "");
  const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), response.headers.get("date"));
  const embedded = response.ok ? EMBEDDED_FAILURE.exec(body) : null;
  const status = embedded ? Number(embedded[1]) : response.status;
  if (response.ok && !embedded) return { delivered: true, status };
  return {
    delivered: false,
    status,
    retryable: isRetryableStatus(status),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    error: `HTTP ${status}${embedded ? " (reported inside a 200)" : ""}${body ? `: ${body.slice(0, 300)}` : ""}`
  };
}

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * `Retry-After` as milliseconds: delay-seconds, or an HTTP-date measured against the response's
 * own `Date` header (so no local clock is read). Undefined when absent or unreadable.
 */
export function parseRetryAfter(retryAfter: string | null, responseDate: string | null): number | undefined {
  if (!retryAfter) return undefined;
  const trimmed = retryAfter.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  const now = responseDate ? Date.parse(responseDate) : Number.NaN;
  if (Number.isNaN(at) || Number.isNaN(now)) return undefined;
  return Math.max(0, at - now);
}

export interface BackoffOptions {
  /** First wait; default 2 s. */
  baseMs?: number;
  /** Cap for the exponential part; default 5 minutes. */
  maxMs?: number;
  /** What the server asked for; never waited less than this. */
  retryAfterMs?: number;
}

/**
 * Wait before attempt `attempt + 1`, after `attempt` (1-based) failed: base × 2^(attempt−1),
 * capped, and at least the server's Retry-After. Deterministic (no jitter), so an orchestrator may
 * call it during replay.
 */
export function computeBackoff(attempt: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 2_000;
  const max = options.maxMs ?? 5 * 60_000;
  const exponential = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  return Math.max(exponential, options.retryAfterMs ?? 0);
}

export interface PostToTeamsOptions extends PostOnceOptions, Omit<BackoffOptions, "retryAfterMs"> {
  /** Total attempts including the first; default 4. */
  maxAttempts?: number;
  /** How to wait between attempts; default a timer. Tests and orchestrations inject their own. */
  sleep?: (ms: number) => Promise<void>;
}

/** Posts with retries on 408/429/5xx and network errors; throws `TeamsDeliveryError` when it gives up. */
export async function postToTeams(url: string, message: TeamsMessage, options: PostToTeamsOptions = {}): Promise<{ status: number; attempts: number }> {
  const maxAttempts = Math.max(1, options.maxAttempts ?? 4);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; ; attempt++) {
    const outcome = await postOnce(url, message, options);
    if (outcome.delivered) return { status: outcome.status, attempts: attempt };
    if (!outcome.retryable || attempt >= maxAttempts) throw new TeamsDeliveryError(hostOf(url), attempt, outcome);
    await sleep(computeBackoff(attempt, { ...options, ...(outcome.retryAfterMs !== undefined ? { retryAfterMs: outcome.retryAfterMs } : {}) }));
  }
}

/** Webhook URLs embed their secret; errors name the host only. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "(invalid URL)";
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
  }
  return String(error);
}
