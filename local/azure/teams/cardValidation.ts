/**
 * What a Teams incoming webhook (or a Workflows "post to a channel when a webhook request is
 * received" trigger) accepts, checked strictly enough that a malformed card fails here rather than
 * rendering as an empty message in Teams:
 * - a message `{ "type": "message", "attachments": [ { "contentType":
 *   "application/vnd.microsoft.card.adaptive", "content": <AdaptiveCard> } ] }`
 *   (https://learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using);
 * - a legacy connector MessageCard (`"@type": "MessageCard"`), still accepted by incoming webhooks,
 *   which answer `400 Summary or Text is required.` when both are missing.
 * The Adaptive Card checks follow the schema at https://adaptivecards.io/explorer: each element and
 * action type with its required properties, card versions 1.0 to 1.6.
 */

export type TeamsPayloadKind = "adaptiveCard" | "messageCard";

export interface CardValidationResult {
  kind?: TeamsPayloadKind;
  errors: string[];
}

const ADAPTIVE_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive";

/** Element type → required properties (beyond `type`). */
const ELEMENTS: Record<string, string[]> = {
  TextBlock: ["text"],
  RichTextBlock: ["inlines"],
  Image: ["url"],
  ImageSet: ["images"],
  Media: ["sources"],
  Container: ["items"],
  ColumnSet: [],
  FactSet: ["facts"],
  ActionSet: ["actions"],
  Table: [],
  "Input.Text": ["id"],
  "Input.Number": ["id"],
  "Input.Date": ["id"],
  "Input.Time": ["id"],
  "Input.Toggle": ["id", "title"],
  "Input.ChoiceSet": ["id", "choices"]
};

/** Action type → required properties. */
const ACTIONS: Record<string, string[]> = {
  "Action.OpenUrl": ["url"],
  "Action.Submit": [],
  "Action.Execute": [],
  "Action.ShowCard": ["card"],
  "Action.ToggleVisibility": ["targetElements"]
};

export function validateTeamsPayload(payload: unknown): CardValidationResult {
  if (!isObject(payload)) return { errors: ["the request body must be a JSON object"] };
  if (payload["@type"] === "MessageCard") return { kind: "messageCard", errors: validateMessageCard(payload) };
  const errors: string[] = [];
  if (payload["type"] !== "message") errors.push(`type must be "message" (got ${describe(payload["type"])})`);
  const attachments = payload["attachments"];
  if (!Array.isArray(attachments) || attachments.length === 0) {
    errors.push("attachments must be a non-empty array");
    return { kind: "adaptiveCard", errors };
  }
  attachments.forEach((att, i) => {
    const path = `attachments[${i}]`;
    if (!isObject(att)) {
      errors.push(`${path} must be an object`);
      return;
    }
    if (att["contentType"] !== ADAPTIVE_CONTENT_TYPE) {
      errors.push(`${path}.contentType must be "${ADAPTIVE_CONTENT_TYPE}" (got ${describe(att["contentType"])})`);
      return;
    }
    validateAdaptiveCard(att["content"], `${path}.content`, errors, true);
  });
  return { kind: "adaptiveCard", errors };
}

export function validateAdaptiveCard(card: unknown, path: string, errors: string[], topLevel: boolean): void {
  if (!isObject(card)) {
    errors.push(`${path} must be an Adaptive Card object`);
    return;
  }
  if (card["type"] !== "AdaptiveCard") errors.push(`${path}.type must be "AdaptiveCard" (got ${describe(card["type"])})`);
  const version = card["version"];
  // A card shown by Action.ShowCard inherits its parent's version.
  if (topLevel || version !== undefined) {
    if (typeof version !== "string") errors.push(`${path}.version is required (a string such as "1.5")`);
    else if (!/^1\.[0-6]$/.test(version)) errors.push(`${path}.version "${version}" is not a supported Adaptive Card version (1.0 to 1.6)`);
  }
  const body = card["body"];
  if (body === undefined) {
    if (topLevel) errors.push(`${path}.body is required`);
  } else if (!Array.isArray(body)) {
    errors.push(`${path}.body must be an array`);
  } else {
    if (topLevel && body.length === 0) errors.push(`${path}.body must not be empty`);
    body.forEach((el, i) => validateElement(el, `${path}.body[${i}]`, errors));
  }
  validateActions(card["actions"], `${path}.actions`, errors);
}

function validateElement(el: unknown, path: string, errors: string[]): void {
  if (!isObject(el)) {
    errors.push(`${path} must be an object`);
    return;
  }
  const type = el["type"];
  if (typeof type !== "string") {
    errors.push(`${path}.type is required`);
    return;
  }
  const required = ELEMENTS[type];
  if (!required) {
    errors.push(`${path}.type "${type}" is not a known Adaptive Card element type`);
    return;
  }
  for (const prop of required) {
    if (el[prop] === undefined || el[prop] === null || el[prop] === "") errors.push(`${path}.${prop} is required for ${type}`);
  }
  switch (type) {
    case "Container":
      eachIn(el["items"], `${path}.items`, errors, validateElement);
      break;
    case "ColumnSet":
      eachIn(el["columns"], `${path}.columns`, errors, (col, p) => {
        if (!isObject(col) || (col["type"] !== undefined && col["type"] !== "Column")) errors.push(`${p} must be a Column`);
        else eachIn(col["items"], `${p}.items`, errors, validateElement);
      });
      break;
    case "FactSet":
      eachIn(el["facts"], `${path}.facts`, errors, (fact, p) => {
        if (!isObject(fact) || typeof fact["title"] !== "string" || typeof fact["value"] !== "string") errors.push(`${p} must have string title and value`);
      });
      break;
    case "ActionSet":
      validateActions(el["actions"], `${path}.actions`, errors);
      break;
    case "Image":
      if (typeof el["url"] === "string" && !isUrl(el["url"], true)) errors.push(`${path}.url "${el["url"]}" is not a valid URL`);
      break;
  }
  if (el["selectAction"] !== undefined) validateAction(el["selectAction"], `${path}.selectAction`, errors);
}

function validateActions(actions: unknown, path: string, errors: string[]): void {
  if (actions === undefined) return;
  if (!Array.isArray(actions)) {
    errors.push(`${path} must be an array`);
    return;
  }
  actions.forEach((a, i) => validateAction(a, `${path}[${i}]`, errors));
}

function validateAction(action: unknown, path: string, errors: string[]): void {
  if (!isObject(action)) {
    errors.push(`${path} must be an object`);
    return;
  }
  const type = action["type"];
  const required = typeof type === "string" ? ACTIONS[type] : undefined;
  if (!required) {
    errors.push(`${path}.type ${describe(type)} is not a known Adaptive Card action type`);
    return;
  }
  for (const prop of required) {
    if (action[prop] === undefined || action[prop] === null || action[prop] === "") errors.push(`${path}.${prop} is required for ${String(type)}`);
  }
  if (type === "Action.OpenUrl" && typeof action["url"] === "string" && !isUrl(action["url"], false)) {
    errors.push(`${path}.url "${action["url"]}" is not an absolute URL`);
  }
  if (type === "Action.ShowCard" && action["card"] !== undefined) validateAdaptiveCard(action["card"], `${path}.card`, errors, false);
}

function validateMessageCard(card: Record<string, unknown>): string[] {
  const has = (k: string): boolean => typeof card[k] === "string" && (card[k]).trim() !== "";
  // The incoming webhook's own message for this case.
  return has("summary") || has("text") ? [] : ["Summary or Text is required."];
}

function eachIn(list: unknown, path: string, errors: string[], fn: (item: unknown, path: string, errors: string[]) => void): void {
  if (list === undefined) return;
  if (!Array.isArray(list)) {
    errors.push(`${path} must be an array`);
    return;
  }
  list.forEach((item, i) => fn(item, `${path}[${i}]`, errors));
}

function isUrl(value: string, allowData: boolean): boolean {
  try {
    const u = new URL(value);
    return u.protocol === "https:" || u.protocol === "http:" || (allowData && u.protocol === "data:");
  } catch {
    return false;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  return v === undefined ? "nothing" : JSON.stringify(v);
}
