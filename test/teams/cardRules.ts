/**
 * An independent check of the Adaptive Card JSON the platform produces, written from the schema at
 * adaptivecards.io (required properties per element and action type) plus the constraints of
 * Teams webhooks: a `message` with one adaptive attachment, card version 1.4/1.5, only
 * `Action.OpenUrl` (webhook cards cannot post back), absolute http(s) URLs, and the 28 KB limit.
 */
const REQUIRED: Record<string, string[]> = {
  TextBlock: ["text"],
  FactSet: ["facts"],
  Container: ["items"],
  ActionSet: ["actions"],
  ColumnSet: ["columns"],
  Image: ["url"]
};

export function cardProblems(message: unknown): string[] {
  const problems: string[] = [];
  const bytes = Buffer.byteLength(JSON.stringify(message), "utf8");
  if (bytes > 28 * 1024) problems.push(`message is ${bytes} bytes, over Teams' 28 KB limit`);
  if (!isObject(message) || message.type !== "message") return [...problems, "message.type must be \"message\""];
  const attachments = message.attachments;
  if (!Array.isArray(attachments) || attachments.length !== 1) return [...problems, "exactly one attachment expected"];
  const attachment: unknown = attachments[0];
  if (!isObject(attachment) || attachment.contentType !== "application/vnd.microsoft.card.adaptive") return [...problems, "attachment must be an adaptive card"];
  const card = attachment.content;
  if (!isObject(card)) return [...problems, "content must be an object"];
  if (card.type !== "AdaptiveCard") problems.push("content.type must be AdaptiveCard");
  if (card.version !== "1.4" && card.version !== "1.5") problems.push(`content.version must be 1.4 or 1.5 (got ${String(card.version)})`);
  if (!Array.isArray(card.body) || card.body.length === 0) problems.push("content.body must be a non-empty array");
  else card.body.forEach((el, i) => element(el, `body[${i}]`, problems));
  if (card.actions !== undefined) actions(card.actions, "actions", problems);
  return problems;
}

function element(el: unknown, path: string, problems: string[]): void {
  if (!isObject(el) || typeof el.type !== "string") {
    problems.push(`${path} must have a type`);
    return;
  }
  const required = REQUIRED[el.type];
  if (!required) {
    problems.push(`${path}: unexpected element type ${el.type}`);
    return;
  }
  for (const prop of required) if (el[prop] === undefined) problems.push(`${path}.${prop} is required for ${el.type}`);
  switch (el.type) {
    case "TextBlock":
      if (typeof el.text !== "string" || el.text.trim() === "") problems.push(`${path}.text must be a non-empty string`);
      break;
    case "FactSet":
      if (!Array.isArray(el.facts) || el.facts.length === 0) problems.push(`${path}.facts must be a non-empty array`);
      else el.facts.forEach((f, i) => {
        if (!isObject(f) || typeof f.title !== "string" || typeof f.value !== "string" || f.value === "") problems.push(`${path}.facts[${i}] needs string title and non-empty value`);
      });
      break;
    case "Container":
      if (!Array.isArray(el.items) || el.items.length === 0) problems.push(`${path}.items must be a non-empty array`);
      else el.items.forEach((item, i) => element(item, `${path}.items[${i}]`, problems));
      break;
    case "ActionSet":
      actions(el.actions, `${path}.actions`, problems);
      break;
  }
}

function actions(list: unknown, path: string, problems: string[]): void {
  if (!Array.isArray(list) || list.length === 0) {
    problems.push(`${path} must be a non-empty array`);
    return;
  }
  list.forEach((a, i) => {
    if (!isObject(a) || a.type !== "Action.OpenUrl") {
      problems.push(`${path}[${i}] must be Action.OpenUrl (webhook cards cannot post back)`);
      return;
    }
    if (typeof a.title !== "string" || a.title === "") problems.push(`${path}[${i}].title is required`);
    if (typeof a.url !== "string" || !/^https?:\/\//.test(a.url)) problems.push(`${path}[${i}].url must be an absolute http(s) URL`);
  });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** All TextBlock texts and fact titles/values, flattened, for content assertions. */
export function cardText(message: unknown): string {
  const parts: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (isObject(node)) {
      for (const key of ["text", "title", "value"]) if (typeof node[key] === "string") parts.push(node[key]);
      Object.values(node).forEach(walk);
    }
  };
  walk(message);
  return parts.join("\n");
}
