import { createHash } from "node:crypto";
import type { HttpResponseInit } from "@azure/functions";

/**
 * Every page the platform serves (the dashboard, the approval and hold confirmation pages and the
 * pages answering a decision) carries the same strict policy: nothing but its own origin's script
 * and style, no plugin, no `<base>`, forms posting only to the platform, and never inside a frame
 * (`frame-ancestors 'none'`, with `X-Frame-Options: DENY` for browsers that predate CSP level 2:
 * https://developer.mozilla.org/docs/Web/HTTP/Headers/Content-Security-Policy/frame-ancestors).
 * A page that decides (Approve, Release hold) inside another site's frame could be clicked through
 * a decoy (clickjacking, https://owasp.org/www-community/attacks/Clickjacking).
 *
 * The server-rendered pages have one inline stylesheet, `PAGE_STYLE`, allowed by its hash
 * (CSP level 2 `'sha256-…'` source, https://www.w3.org/TR/CSP2/#source-list-valid-hashes), so no
 * `'unsafe-inline'` is needed anywhere.
 */
export const PAGE_STYLE = "body{font-family:system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem}dt{font-weight:600}dd{margin:0 0 .5rem}fieldset{margin:1rem 0}";

const PAGE_STYLE_HASH = `'sha256-${createHash("sha256").update(PAGE_STYLE, "utf8").digest("base64")}'`;

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  `style-src 'self' ${PAGE_STYLE_HASH}`,
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "object-src 'none'"
].join("; ");

/** The headers of every page (and every dashboard asset). */
export const PAGE_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "content-security-policy": CONTENT_SECURITY_POLICY,
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  // Approval and hold links carry their token in the path: never send it on as a referrer.
  "referrer-policy": "no-referrer"
});

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);
}

/** A whole server-rendered page; `body` is markup the caller built with `escapeHtml`. */
export function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex">` +
    `<meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title><style>${PAGE_STYLE}</style></head>` +
    `<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

/** An HTML response with the page security headers; pages answer for one request and are never cached. */
export function htmlResponse(status: number, html: string): HttpResponseInit {
  return { status, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", ...PAGE_SECURITY_HEADERS }, body: html };
}
