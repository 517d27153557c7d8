/**
 * Simulator module "teams" (sim-services): a Teams webhook sink.
 * - `POST /_sim/teams/{channel}` takes what a Teams incoming webhook or Workflows webhook takes
 *   (a message with an Adaptive Card attachment; a legacy MessageCard is accepted too, as
 *   incoming webhooks still do). Accepted: `200` with body `1`, as incoming webhooks answer.
 *   Malformed: `400` with a plain-text body naming every problem. Over 28 KB (Teams' message size
 *   limit): `413`. Fault `teamsFailure` (target: the channel): `429` with `Retry-After`, or the
 *   fault's `status` (e.g. 500, 503), for `count` requests.
 * - `GET /_sim/teams/messages[?channel=]` lists what was accepted; `DELETE` clears it.
 */
import { randomUUID } from "node:crypto";
import type { SimKernel, SimResponse } from "../kernel";
import { validateTeamsPayload, type TeamsPayloadKind } from "./cardValidation";

export { validateTeamsPayload, validateAdaptiveCard } from "./cardValidation";

export interface TeamsMessage {
  id: string;
  channel: string;
  receivedAt: string;
  kind: TeamsPayloadKind;
  /** The Adaptive Card (first attachment's content) or the MessageCard. */
  card: unknown;
  /** The payload as posted. */
  payload: unknown;
}

/** Teams rejects messages over about 28 KB (https://learn.microsoft.com/microsoftteams/limits-specifications-teams). */
export const TEAMS_MAX_MESSAGE_BYTES = 28 * 1024;
const MAX_STORED = 1000;
const SERVICE = "teams";

export function registerTeams(kernel: SimKernel): void {
  if (kernel.service(SERVICE)) return;
  const inbox: TeamsMessage[] = [];
  kernel.provide(SERVICE, { inbox });
  kernel.registerState("teams", { save: () => inbox, load: (d) => { if (Array.isArray(d)) inbox.splice(0, inbox.length, ...(d as TeamsMessage[])); } });

  kernel.router.control("POST", "/_sim/teams/{channel}", (req, p) => {
    const channel = p.channel ?? "";
    const fault = kernel.faults.take("teamsFailure", channel);
    if (fault) return injectedFailure(fault, channel);
    if (req.rawBody.length > TEAMS_MAX_MESSAGE_BYTES) {
      return text(413, `Message size ${req.rawBody.length} bytes exceeds the Teams limit of ${TEAMS_MAX_MESSAGE_BYTES} bytes.`);
    }
    if (req.body === undefined) return text(400, "The request body must be JSON.");
    const { kind, errors } = validateTeamsPayload(req.body);
    if (errors.length > 0 || !kind) return text(400, errors.join("\n"));
    const message: TeamsMessage = {
      id: randomUUID(),
      channel,
      receivedAt: new Date(kernel.clock.now()).toISOString(),
      kind,
      card: kind === "messageCard" ? req.body : (req.body as { attachments: { content: unknown }[] }).attachments[0]?.content,
      payload: req.body
    };
    inbox.push(message);
    if (inbox.length > MAX_STORED) inbox.splice(0, inbox.length - MAX_STORED);
    return text(200, "1");
  });

  kernel.router.control("GET", "/_sim/teams/messages", (req) => {
    const channel = req.query.get("channel");
    return { status: 200, body: { value: channel ? inbox.filter((m) => m.channel === channel) : inbox } };
  });

  kernel.router.control("DELETE", "/_sim/teams/messages", () => {
    inbox.length = 0;
    return { status: 204 };
  });
}

function injectedFailure(fault: Record<string, unknown>, channel: string): SimResponse {
  const status = typeof fault["status"] === "number" ? fault["status"] : 429;
  const contextId = `tcid=0,server=simulator,cv=${randomUUID()}`;
  const message = `Microsoft Teams endpoint returned HTTP error ${status} with ContextId ${contextId}.`;
  if (status === 429) {
    const retryAfter = typeof fault["retryAfterSeconds"] === "number" ? fault["retryAfterSeconds"] : 1;
    return { status, headers: { "Retry-After": String(retryAfter), "Content-Type": "text/plain; charset=utf-8" }, body: message };
  }
  return text(status, `${message} (channel ${channel})`);
}

function text(status: number, body: string): SimResponse {
  return { status, headers: { "Content-Type": "text/plain; charset=utf-8" }, body };
}
