import { randomUUID } from "node:crypto";
import type { Clock } from "../../clock";
import type { EventGridEvent, EventGridEventInput } from "./types";

/** Where published events go: sim-services' Event Grid delivery registers one with `kernel.setEventSink`. */
export interface EventSink {
  deliver(sourceResourceId: string, events: EventGridEvent[]): void | Promise<void>;
}

export interface PublishedEvent {
  source: string;
  event: EventGridEvent;
}

/**
 * Publishes platform events in the Event Grid schema. Every event is recorded here (tests assert on
 * `recorded`), then handed to the registered sink; without one, recording is all that happens.
 */
export class EventBus {
  private sink: EventSink | undefined;
  readonly recorded: PublishedEvent[] = [];
  /**
   * Kept bounded so a long `npm start` does not grow without limit: the newest `maxRecorded` at least,
   * trimmed back to that once a quarter more have come (cutting the front of the array on every
   * event moved 5,000 entries per event, a fleet bench's busiest line).
   */
  maxRecorded = 5000;

  constructor(private readonly clock: Clock, private readonly track: <T>(p: Promise<T>) => Promise<T>) {}

  setSink(sink: EventSink | undefined): void {
    this.sink = sink;
  }

  /**
   * Stamps `id`, `eventTime` (the shared clock), `topic` (the source resource id, as system topics
   * do: https://learn.microsoft.com/azure/event-grid/event-schema-aks) and `dataVersion`.
   */
  publish(sourceResourceId: string, inputs: EventGridEventInput[]): EventGridEvent[] {
    const eventTime = new Date(this.clock.now()).toISOString();
    const events = inputs.map((e): EventGridEvent => ({
      id: randomUUID(),
      topic: sourceResourceId,
      subject: e.subject,
      eventType: e.eventType,
      eventTime,
      data: e.data,
      dataVersion: e.dataVersion ?? "1",
      metadataVersion: "1"
    }));
    for (const event of events) this.recorded.push({ source: sourceResourceId, event });
    if (this.recorded.length > this.maxRecorded * 1.25) this.recorded.splice(0, this.recorded.length - this.maxRecorded);
    const sink = this.sink;
    if (sink && events.length > 0) {
      void this.track(Promise.resolve().then(() => sink.deliver(sourceResourceId, events))).catch(() => undefined);
    }
    return events;
  }

  /** Recorded events of one type (tests). */
  ofType(eventType: string): EventGridEvent[] {
    return this.recorded.filter((r) => r.event.eventType === eventType).map((r) => r.event);
  }
}
