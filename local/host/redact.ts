/**
 * The one redaction every log line passes through (the local host's loggers, the local runtime's
 * console output): keys and tokens become `[redacted]`, the rest of the line stays readable.
 *
 * What counts as a secret here, and where it travels:
 * - Functions keys in the `code` query parameter and the `x-functions-key` header
 *   (https://learn.microsoft.com/azure/azure-functions/function-keys-how-to#use-access-keys), among
 *   them the Event Grid webhook's `eventgrid_extension` system key and the durable management URLs'
 *   `durabletask_extension` key.
 * - Shared access signatures (`sig=`, https://learn.microsoft.com/rest/api/storageservices/create-service-sas)
 *   and Event Grid's `aeg-sas-key` / `aeg-sas-token` headers
 *   (https://learn.microsoft.com/azure/event-grid/authenticate-with-access-keys-shared-access-signature).
 * - `Authorization` values (Bearer, Basic, SharedAccessSignature, Cosmos `type=master&sig=`), OAuth
 *   tokens (`access_token`, `client_secret`...), JWTs (`eyJ...`), connection-string keys
 *   (`AccountKey=`, `SharedAccessKey=`, Cosmos's `AccountKey=`).
 * - The platform's own capability links: the signed token in `/approvals/{token}` and `/holds/{token}`
 *   decides an approval or releases a hold for whoever holds it.
 */
export const REDACTED = "[redacted]";

const QUERY_NAMES = "code|sig|signature|key|token|access_token|refresh_token|id_token|client_secret|password|secret|api[-_]?key|x-functions-key|skoid|sktid";
/** `?code=...`, `&sig=...`, also inside a JSON string or an encoded URL (`%3Fcode%3D`). */
const QUERY_SECRET = new RegExp(`((?:[?&;]|%3F|%26)(?:${QUERY_NAMES})(?:=|%3D))[^&#\\s"'<>\\\\]+`, "gi");
/** `name: value` and `"name":"value"` for secret-bearing headers and fields. */
const NAMED_SECRET = /((?:^|[\s{,;"'(])["']?(?:authorization|x-functions-key|x-ms-client-principal|aeg-sas-key|aeg-sas-token|ocp-apim-subscription-key|api-key|client_secret|clientSecret|password|signingKey|approvalSigningKey|masterKey|APPROVAL_SIGNING_KEY|AzureWebJobsStorage)["']?\s*[:=]\s*["']?)(?:(?:Bearer|Basic|SharedAccessSignature|type=master&(?:amp;)?ver=[^&\s]*&(?:amp;)?sig=)\s*)?[^\s"',;}]+/gi;
/** A scheme and its credential (8 characters at least, so prose such as "Basic tier" stays). */
const SCHEME_TOKEN = /\b(Bearer|Basic|SharedAccessSignature)\s+[A-Za-z0-9\-._~+/%=&]{8,}/g;
const CONNECTION_KEY = /\b((?:AccountKey|SharedAccessKey|AccessKey|Password|Pwd)=)[^;"'\s]+/gi;
const JWT = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
const CAPABILITY_PATH = /(\/(?:approvals|holds)\/)(?!\{)[^/?#\s"'<>]{16,}/gi;

/**
 * Something at least one of the patterns above needs (a query separator, a secret's name, a scheme,
 * a connection-string key, a JWT's start, a capability path): text without any of them has nothing
 * to redact, and most log lines (every invocation's "Executing"/"Executed") skip the six passes.
 */
const MAY_HOLD_SECRET = /[?&;]|%3F|%26|authorization|functions-key|client-principal|aeg-sas|subscription-key|api-key|client_?secret|password|signing_?key|masterkey|AzureWebJobsStorage|Bearer|Basic|SharedAccessSignature|key=|pwd=|eyJ|\/approvals\/|\/holds\//i;

/** The text with every key, signature and token it carries replaced by `[redacted]`. */
export function redactSecrets(text: string): string {
  if (!MAY_HOLD_SECRET.test(text)) return text;
  return text
    .replace(QUERY_SECRET, `$1${REDACTED}`)
    .replace(NAMED_SECRET, `$1${REDACTED}`)
    .replace(SCHEME_TOKEN, `$1 ${REDACTED}`)
    .replace(CONNECTION_KEY, `$1${REDACTED}`)
    .replace(JWT, REDACTED)
    .replace(CAPABILITY_PATH, `$1${REDACTED}`);
}

/** Redacts a thrown value for a log line (message and stack). */
export function redactError(err: unknown): string {
  return redactSecrets(err instanceof Error ? err.stack ?? `${err.name}: ${err.message}` : String(err));
}
