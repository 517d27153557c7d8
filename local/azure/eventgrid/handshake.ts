import { randomUUID } from "node:crypto";
import { postJson, type WebhookClientOptions } from "./webhookClient";

/**
 * The WebHook validation handshake Event Grid runs when a subscription is created or its endpoint
 * changes (https://learn.microsoft.com/azure/event-grid/webhook-event-delivery): it POSTs an array
 * with one `Microsoft.EventGrid.SubscriptionValidationEvent` (header `aeg-event-type:
 * SubscriptionValidation`) and expects `200` with `{"validationResponse": <validationCode>}`.
 * The asynchronous variant (a GET on `validationUrl` within 10 minutes) is not simulated: an
 * endpoint that answers 2xx without the code fails, with Event Grid's wording for that case.
 */

export class WebhookValidationError extends Error {
  override readonly name = "WebhookValidationError";
  /** Event Grid's error code for a failed handshake (the CLI prints it as "(Url validation)"). */
  readonly code = "Url validation";
  constructor(readonly endpointUrl: string, message: string) {
    super(message);
  }
}

export interface HandshakeInput {
  endpointUrl: string;
  /** ARM id of the topic (system topic) the subscription belongs to. */
  topic: string;
  validationUrlBase: string;
  now: Date;
}

export async function runValidationHandshake(input: HandshakeInput, options: WebhookClientOptions = {}): Promise<void> {
  const validationCode = randomUUID().toUpperCase();
  const id = randomUUID();
  const event = {
    id,
    topic: input.topic,
    subject: "",
    data: {
      validationCode,
      validationUrl: `${input.validationUrlBase}?id=${encodeURIComponent(id)}&t=${encodeURIComponent(input.now.toISOString())}&code=${validationCode}`
    },
    eventType: "Microsoft.EventGrid.SubscriptionValidationEvent",
    eventTime: input.now.toISOString(),
    metadataVersion: "1",
    dataVersion: "2"
  };
  const stamp = `Activity id:${randomUUID()}, timestamp: ${input.now.toISOString()} (UTC)`;
  // Event Grid's own wording, "troublehooting" included.
  const help = "For troublehooting, visit https://aka.ms/esvalidation.";
  let answer;
  try {
    answer = await postJson(input.endpointUrl, [event], { "aeg-event-type": "SubscriptionValidation", "aeg-metadata-version": "1", "aeg-data-version": "2" }, { timeoutMs: 30_000, ...options });
  } catch {
    throw new WebhookValidationError(input.endpointUrl,
      `Webhook validation handshake failed for ${input.endpointUrl}. Http POST request failed with response code Unknown. ${help} ${stamp}.`);
  }
  if (answer.status < 200 || answer.status >= 300) {
    throw new WebhookValidationError(input.endpointUrl,
      `Webhook validation handshake failed for ${input.endpointUrl}. Http POST request failed with response code ${answer.status}. ${help} ${stamp}.`);
  }
  if (readValidationResponse(answer.body) !== validationCode) {
    throw new WebhookValidationError(input.endpointUrl,
      `Webhook validation handshake failed for ${input.endpointUrl}. Http POST request retuned 2XX response with response body ${answer.body}. ` +
      `When a validation request is accepted without validation code in the response body, Http GET is expected on the validation url included in the validation event(within 10 minutes). ${help} ${stamp}.`);
  }
}

function readValidationResponse(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === "object" && "validationResponse" in parsed) {
      const v = (parsed).validationResponse;
      return typeof v === "string" ? v : undefined;
    }
  } catch {
    return undefined;
  }
  return undefined;
}
