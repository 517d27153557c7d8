/**
 * Chaos switches: make the engine behave the way the real at-least-once infrastructure may, so that
 * idempotency of activities and event handling is tested rather than assumed.
 */
export interface ChaosOptions {
  /** Run every activity once more after it succeeded (a redelivered work item); the second result is checkpointed. */
  rerunActivityAfterSuccess?: boolean;
  /** Lose the first completion of every activity, as if the host crashed before the checkpoint; the activity runs again. */
  crashBeforeActivityCheckpoint?: boolean;
  /** Deliver every raised external event twice. */
  duplicateExternalEvents?: boolean;
}
