/**
 * The subset of Adaptive Cards the platform sends, typed so a builder cannot forget a required
 * property. Version 1.4: what Teams renders for incoming webhooks and Workflows webhooks alike
 * (Teams supports up to 1.5 on desktop, but mobile clients lag; nothing here needs 1.5).
 * Webhook cards cannot post back (`Action.Submit`/`Action.Execute` need a bot), so the only
 * action is `Action.OpenUrl`.
 */
export const ADAPTIVE_CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive";
export const ADAPTIVE_CARD_VERSION = "1.4";
export const ADAPTIVE_CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json";

/**
 * Teams refuses webhook messages over 28 KB ("limits and specifications for Microsoft Teams");
 * builders stay under this with room to spare by listing at most a bounded number of rows.
 */
export const TEAMS_MESSAGE_LIMIT_BYTES = 28 * 1024;

export type TextColor = "default" | "dark" | "light" | "accent" | "good" | "warning" | "attention";
export type ContainerStyle = "default" | "emphasis" | "good" | "attention" | "warning" | "accent";

export interface TextBlock {
  type: "TextBlock";
  text: string;
  wrap?: boolean;
  weight?: "default" | "lighter" | "bolder";
  size?: "default" | "small" | "medium" | "large" | "extraLarge";
  color?: TextColor;
  isSubtle?: boolean;
  spacing?: "none" | "small" | "default" | "medium" | "large";
  separator?: boolean;
}

export interface Fact {
  title: string;
  value: string;
}

export interface FactSet {
  type: "FactSet";
  facts: Fact[];
  spacing?: TextBlock["spacing"];
  separator?: boolean;
}

export interface Container {
  type: "Container";
  items: CardElement[];
  style?: ContainerStyle;
  bleed?: boolean;
  spacing?: TextBlock["spacing"];
  separator?: boolean;
}

export interface OpenUrlAction {
  type: "Action.OpenUrl";
  title: string;
  url: string;
  style?: "default" | "positive" | "destructive";
}

export interface ActionSet {
  type: "ActionSet";
  actions: OpenUrlAction[];
}

export type CardElement = TextBlock | FactSet | Container | ActionSet;

export interface AdaptiveCard {
  $schema: typeof ADAPTIVE_CARD_SCHEMA;
  type: "AdaptiveCard";
  version: typeof ADAPTIVE_CARD_VERSION;
  body: CardElement[];
  actions?: OpenUrlAction[];
  /** Teams-specific: use the whole width of the conversation. */
  msteams?: { width: "Full" };
}

/** The body Teams incoming webhooks and Workflows "post a card" triggers both accept. */
export interface TeamsMessage {
  type: "message";
  attachments: [{ contentType: typeof ADAPTIVE_CARD_CONTENT_TYPE; contentUrl: null; content: AdaptiveCard }];
}

export function teamsMessage(body: CardElement[], actions?: OpenUrlAction[]): TeamsMessage {
  const content: AdaptiveCard = {
    $schema: ADAPTIVE_CARD_SCHEMA, type: "AdaptiveCard", version: ADAPTIVE_CARD_VERSION, body, msteams: { width: "Full" },
    ...(actions && actions.length > 0 ? { actions } : {})
  };
  return { type: "message", attachments: [{ contentType: ADAPTIVE_CARD_CONTENT_TYPE, contentUrl: null, content }] };
}

export function messageSizeBytes(message: TeamsMessage): number {
  return Buffer.byteLength(JSON.stringify(message), "utf8");
}

/**
 * Text as Teams must show it, literally: TextBlocks and facts render Markdown, so a comment such as
 * `[click me](https://evil.example)` would become a link. Backslash-escapes what makes links,
 * emphasis, code and HTML (`\ \` * _ [ ] < > ~`) and folds line breaks (no injected lists).
 */
export function escapeMarkdown(value: string): string {
  return value.replace(/\r\n|\r|\n/g, " ").replace(/[\\`*_[\]<>~]/g, "\\$&");
}

/** A TextBlock of plain text (escaped: see `escapeMarkdown`). */
export function text(value: string, options: Omit<TextBlock, "type" | "text"> = {}): TextBlock {
  return { type: "TextBlock", text: escapeMarkdown(value), wrap: true, ...options };
}

/** A TextBlock whose Markdown is the platform's own (never user text). */
export function markdownText(value: string, options: Omit<TextBlock, "type" | "text"> = {}): TextBlock {
  return { type: "TextBlock", text: value, wrap: true, ...options };
}

export function heading(value: string, color?: TextColor): TextBlock {
  return text(value, { weight: "bolder", size: "medium", ...(color ? { color } : {}) });
}

export function facts(entries: [string, string][], options: Omit<FactSet, "type" | "facts"> = {}): FactSet {
  return { type: "FactSet", facts: entries.map(([title, value]) => ({ title: escapeMarkdown(title), value: value === "" ? "—" : escapeMarkdown(value) })), ...options };
}

export function banner(style: ContainerStyle, items: CardElement[]): Container {
  return { type: "Container", style, bleed: true, items };
}

/**
 * A timestamp Teams renders in the reader's own time zone. Card templating's DATE/TIME functions
 * need RFC 3339 without fractional seconds; the UTC form follows in case a client does not expand them.
 */
export function localTime(iso: string): string {
  const rfc3339 = new Date(iso).toISOString().replace(/\.\d{3}Z$/, "Z");
  return `{{DATE(${rfc3339}, SHORT)}} {{TIME(${rfc3339})}} (${rfc3339.replace("T", " ").replace("Z", " UTC")})`;
}

/** "1h 5m", "42s": durations as an operator reads them. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "—";
  const s = Math.round(ms / 1000);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const parts = [d ? `${d}d` : "", h ? `${h}h` : "", m ? `${m}m` : "", !d && !h && s % 60 ? `${s % 60}s` : ""].filter(Boolean);
  return parts.length ? parts.join(" ") : "0s";
}

export function durationBetween(startIso: string | undefined, endIso: string | undefined): string {
  if (!startIso || !endIso) return "—";
  return formatDuration(Date.parse(endIso) - Date.parse(startIso));
}

/** Keeps a list bounded so a fleet-sized summary stays under the Teams size limit; says how many were left out. */
export function bounded<T>(items: readonly T[], max: number): { shown: T[]; omitted: number } {
  return { shown: items.slice(0, max), omitted: Math.max(0, items.length - max) };
}
