import { existsSync, statSync } from "node:fs";
import type { SettingProblem } from "./config-error";

/**
 * Reads settings from an environment record and collects every problem instead of throwing at the
 * first, so that `ConfigError` can name them all.
 */
export class SettingReader {
  readonly problems: SettingProblem[] = [];

  constructor(private readonly env: Readonly<Record<string, string | undefined>>) {}

  /** The trimmed value, or undefined when unset or blank (App Service turns unset into ""). */
  raw(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value ? value : undefined;
  }

  fail(setting: string, problem: string): void {
    this.problems.push({ setting, problem });
  }

  required(name: string): string | undefined {
    const value = this.raw(name);
    if (value === undefined) this.fail(name, "is required but not set");
    return value;
  }

  /** An absolute http(s) URL, returned without a trailing slash so paths can be appended. */
  url(name: string, opts: { required: boolean; fallback?: string; httpsOnly?: boolean }): string | undefined {
    const value = this.raw(name) ?? opts.fallback;
    if (value === undefined) {
      if (opts.required) this.fail(name, "is required but not set");
      return undefined;
    }
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      this.fail(name, "must be an absolute URL (https://host[:port][/path])");
      return undefined;
    }
    const allowed = opts.httpsOnly ? ["https:"] : ["https:", "http:"];
    if (!allowed.includes(parsed.protocol)) {
      this.fail(name, `must use ${opts.httpsOnly ? "https" : "http or https"}, not ${parsed.protocol.replace(":", "")}`);
      return undefined;
    }
    if (parsed.search || parsed.hash) {
      this.fail(name, "must not carry a query string or fragment");
      return undefined;
    }
    return value.replace(/\/+$/, "");
  }

  guid(name: string): string | undefined {
    const value = this.required(name);
    if (value === undefined) return undefined;
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) {
      this.fail(name, "must be a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)");
      return undefined;
    }
    return value.toLowerCase();
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const match = allowed.find((a) => a === value.toLowerCase());
    if (!match) {
      this.fail(name, `must be one of ${allowed.join(", ")}`);
      return fallback;
    }
    return match;
  }

  /** A secret of at least `minLength` characters; its value never appears in a message. */
  secret(name: string, opts: { required: boolean; minLength: number }): string | undefined {
    const value = opts.required ? this.required(name) : this.raw(name);
    if (value === undefined) return undefined;
    if (value.length < opts.minLength) {
      this.fail(name, `must be at least ${opts.minLength} characters long (got ${value.length})`);
      return undefined;
    }
    return value;
  }

  /** A base64 account key, as Cosmos DB issues them (64 random bytes, 88 characters). */
  base64Key(name: string, opts: { required: boolean; minBytes: number }): string | undefined {
    const value = opts.required ? this.required(name) : this.raw(name);
    if (value === undefined) return undefined;
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0) {
      this.fail(name, "must be a base64 key");
      return undefined;
    }
    const bytes = Buffer.from(value, "base64").length;
    if (bytes < opts.minBytes) {
      this.fail(name, `must decode to at least ${opts.minBytes} bytes (got ${bytes})`);
      return undefined;
    }
    return value;
  }

  /** An existing readable file: checked now so a typo fails at start, not at the first TLS handshake. */
  existingFile(name: string, opts: { required: boolean }): string | undefined {
    const value = opts.required ? this.required(name) : this.raw(name);
    if (value === undefined) return undefined;
    if (!existsSync(value) || !statSync(value).isFile()) {
      this.fail(name, `must name an existing file (${value} was not found)`);
      return undefined;
    }
    return value;
  }

  /** An optional whole number within bounds (e.g. seconds); undefined when unset or malformed (a problem is recorded). */
  wholeNumber(name: string, bounds: { min: number; max: number }): number | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < bounds.min || n > bounds.max) {
      this.fail(name, `must be a whole number from ${bounds.min} to ${bounds.max} (got "${value}")`);
      return undefined;
    }
    return n;
  }

  /** An optional `true` / `false` (any case); the fallback when unset, a problem when anything else. */
  flag(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.trim().toLowerCase();
    if (value === undefined || value === "") return fallback;
    if (value === "true") return true;
    if (value === "false") return false;
    this.fail(name, `must be true or false (got "${this.raw(name) ?? ""}")`);
    return fallback;
  }

  /** A Cosmos database id: 1–255 characters, none of / \ ? # and no trailing space (Cosmos DB resource-id rules). */
  cosmosName(name: string, fallback: string): string {
    const value = this.raw(name) ?? fallback;
    if (value.length > 255 || /[/\\?#]/.test(value)) {
      this.fail(name, "must be 1-255 characters without / \\ ? or #");
      return fallback;
    }
    return value;
  }
}
