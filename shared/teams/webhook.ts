import type { TeamsMessage } from "./adaptiveCard";

/**
 * Posting to a Teams webhook (incoming webhook or Workflows trigger URL).
 *
 * Activities must stay short: `postOnce` makes one attempt and classifies the answer (delivered,
 * retryable with the server's Retry-After, or permanent); the orchestration that asked waits
 * between attempts on durable timers (orchestrations/common/teams.ts).
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

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
  }
  return String(error);
}
