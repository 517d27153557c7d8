/**
 * The actions an orchestrator episode returns (`OrchestratorState.actions`). With replay schema V2+
 * the SDK returns `[[...actions]]`: one list holding every action scheduled since the execution
 * started, in the order the code yielded them, with `Task.all`/`Task.any` kept as compound actions
 * (`WhenAll`/`WhenAny` with `compoundActions`). The extension's out-of-proc shim walks that list in
 * order; we flatten it depth-first, which is also the order in which the SDK's
 * `TaskOrchestrationExecutor.trackOpenTask` hands out sequence numbers (event ids).
 */
import { createHash } from "node:crypto";
export enum ActionType {
  CallActivity = 0,
  CallActivityWithRetry = 1,
  CallSubOrchestrator = 2,
  CallSubOrchestratorWithRetry = 3,
  ContinueAsNew = 4,
  CreateTimer = 5,
  WaitForExternalEvent = 6,
  CallEntity = 7,
  CallHttp = 8,
  SignalEntity = 9,
  WhenAny = 11,
  WhenAll = 12,
  LockEntities = 13,
  ReleaseEntities = 14,
}

export interface WireRetryOptions {
  firstRetryIntervalInMilliseconds: number;
  maxNumberOfAttempts: number;
  backoffCoefficient?: number;
  maxRetryIntervalInMilliseconds?: number;
  retryTimeoutInMilliseconds?: number;
}

/** One action as serialized by the SDK (field names from `lib/src/actions/*`). */
export interface WireAction {
  actionType: ActionType;
  functionName?: string;
  input?: unknown;
  retryOptions?: WireRetryOptions;
  instanceId?: string;
  fireAt?: string;
  isCanceled?: boolean;
  externalEventName?: string;
  compoundActions?: WireAction[];
  operation?: string;
}

/** A flattened action; `compound` numbers the `Task.all`/`Task.any` it was part of (undefined when yielded alone). */
export type FlatAction = WireAction & { compound?: number };

export function flattenActions(actions: unknown): FlatAction[] {
  const out: FlatAction[] = [];
  let compounds = 0;
  const visit = (a: WireAction, compound: number | undefined): void => {
    if (a.actionType === ActionType.WhenAll || a.actionType === ActionType.WhenAny) {
      const id = compound ?? compounds++;
      for (const c of a.compoundActions ?? []) visit(c, id);
    } else {
      out.push(compound === undefined ? a : { ...a, compound });
    }
  };
  if (!Array.isArray(actions)) return out;
  for (const group of actions) {
    // V1 grouped actions per yield; V2+ has a single group. Both flatten the same way.
    if (Array.isArray(group)) for (const a of group as WireAction[]) visit(a, undefined);
    else if (group && typeof group === "object") visit(group as WireAction, undefined);
  }
  return out;
}

/**
 * What an action asks for, to recognise a task the code put into a new `Task.all`/`Task.any` after
 * it had already been scheduled: the SDK lists it again inside the compound action but gives it no
 * new sequence number (`trackOpenTask` skips tasks that have an id).
 */
export function contentKey(a: WireAction): string {
  // A digest: the key is kept in the instance's state, which is rewritten at every checkpoint.
  return createHash("sha256").update(JSON.stringify([a.actionType, a.functionName, a.input, a.instanceId, a.fireAt, a.externalEventName, a.operation, a.retryOptions])).digest("base64url");
}

/** The identity DTFx compares on replay: the action's kind and its target name. */
export function actionKey(a: ActionIdentity): string {
  return `${ActionType[a.actionType] ?? a.actionType}:${actionName(a)}`;
}

/** Key of a recorded action (type and the name `actionName` gave it when it was scheduled). */
export function recordedKey(type: ActionType, name: string): string {
  return `${ActionType[type] ?? type}:${name}`;
}

export type ActionIdentity = Pick<WireAction, "actionType" | "functionName" | "externalEventName" | "instanceId" | "operation">;

export function actionName(a: ActionIdentity): string {
  switch (a.actionType) {
    case ActionType.WaitForExternalEvent:
      return a.externalEventName ?? "";
    case ActionType.CreateTimer:
    case ActionType.ContinueAsNew:
      return "";
    case ActionType.CallEntity:
    case ActionType.SignalEntity: {
      return `${a.instanceId ?? ""}.${a.operation ?? ""}`;
    }
    default:
      return a.functionName ?? "";
  }
}

export function describeAction(a: ActionIdentity): string {
  return describeKind(a.actionType, actionName(a));
}

export function describeKind(actionType: ActionType, name: string): string {
  const type = ActionType[actionType] ?? `action type ${actionType}`;
  return name ? `${type} '${name}'` : type;
}

/** True for actions that take a sequence number when the SDK tracks them (WaitForExternalEvent is keyed by name). */
export function consumesEventId(type: ActionType): boolean {
  return type === ActionType.CallActivity || type === ActionType.CallActivityWithRetry
    || type === ActionType.CallSubOrchestrator || type === ActionType.CallSubOrchestratorWithRetry
    || type === ActionType.CreateTimer || type === ActionType.CallEntity || type === ActionType.SignalEntity;
}

/**
 * JSON text of an action's input. Activity and continue-as-new inputs went through the SDK's
 * `Utils.processInput`, which JSON-encodes strings (so a string input already is JSON text);
 * sub-orchestration inputs are raw values.
 */
export function serializedInput(a: WireAction): string {
  const preEncoded = a.actionType === ActionType.CallActivity || a.actionType === ActionType.CallActivityWithRetry
    || a.actionType === ActionType.ContinueAsNew;
  if (preEncoded && typeof a.input === "string") return a.input;
  return a.input === undefined ? "null" : JSON.stringify(a.input);
}
