/**
 * Back-off from a setting another controller keeps rewriting (pure). Each rewrite the platform
 * starts for a drift is recorded (resource + the drift's fingerprint). The same drift seen again
 * within REWRITE_WINDOW_MS of a rewrite came back: someone put it back (Azure Policy's
 * deploy-if-not-exists re-applying its template, a pipeline, a person). That is reported, and the
 * platform rewrites the same drift at most MAX_REWRITES_PER_WINDOW times in the window, then backs
 * off until the window has passed, instead of fighting the other controller every sweep.
 */

export const REWRITE_WINDOW_MS = 24 * 3600_000;
export const MAX_REWRITES_PER_WINDOW = 3;

/** Rewrites of one drift on one resource (kept on the cluster's governance state). */
export interface RewriteHistory {
  /** `<resource id, lower-cased>|<drift fingerprint>`. */
  key: string;
  /** When each rewrite was started (ISO), newest last. */
  at: string[];
  /** Who puts it back, as last named. */
  controller?: string;
  /** When the platform stopped rewriting it (ISO), while backed off. */
  backedOffAt?: string;
}

export function rewriteKey(resourceId: string, fingerprint: string): string {
  return `${resourceId.toLowerCase().replace(/\/+$/, "")}|${fingerprint}`;
}

export interface RewriteDecision {
  /** The platform may rewrite it now. */
  rewrite: boolean;
  /** The drift came back within the window after a rewrite: another controller writes it. */
  contested: boolean;
  /** Rewrites within the window (before this one). */
  recent: number;
  /** While backed off: when the oldest recent rewrite leaves the window (ISO). */
  retryAfter?: string;
}

export function rewriteDecision(history: RewriteHistory | undefined, now: number): RewriteDecision {
  const recent = (history?.at ?? []).map((t) => Date.parse(t)).filter((t) => Number.isFinite(t) && now - t < REWRITE_WINDOW_MS).sort((a, b) => a - b);
  const contested = recent.length > 0;
  if (recent.length < MAX_REWRITES_PER_WINDOW) return { rewrite: true, contested, recent: recent.length };
  return { rewrite: false, contested, recent: recent.length, retryAfter: new Date(recent[0]! + REWRITE_WINDOW_MS).toISOString() };
}

/** The history after a rewrite started at `now` (only the window is kept). */
export function recordRewrite(history: RewriteHistory | undefined, key: string, now: number, controller?: string): RewriteHistory {
  const at = [...(history?.at ?? []).filter((t) => now - Date.parse(t) < REWRITE_WINDOW_MS), new Date(now).toISOString()];
  return { key, at, ...(controller ?? history?.controller ? { controller: controller ?? history?.controller } : {}) };
}
