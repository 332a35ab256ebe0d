import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { isTerminalEvent, type RunEvent } from '../services/progress-log.js';
import { StudioError } from './errors.js';

/** A comment line this often keeps proxies and idle-timeouts from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;

/**
 * Where a client resumes: the Last-Event-ID header an EventSource sends on reconnecting, else ?after=,
 * else from the start.
 */
export function resumeAfter(c: Context): number {
  const text = c.req.header('last-event-id') ?? c.req.query('after') ?? '0';
  if (!/^\d{1,15}$/.test(text.trim())) throw new StudioError(400, 'invalid_request', `Last-Event-ID / after must be an event id (a whole number), got "${text}"`);
  return Number(text);
}

/**
 * A run's events as server-sent events (id = the event's id, event = its type, data = the event as
 * JSON): those after `after`, then live ones, ending after the terminal event (completed, failed,
 * cancelled or interrupted) or when the client goes.
 */
export function streamRunEvents(
  c: Context,
  after: number,
  subscribe: (afterId: number, listener: (event: RunEvent) => void) => () => void,
): Response {
  return streamSSE(c, async (stream) => {
    const pending: RunEvent[] = [];
    let wake: (() => void) | undefined;
    let ended = false;
    const unsubscribe = subscribe(after, (event) => {
      pending.push(event);
      wake?.();
    });
    stream.onAbort(() => {
      ended = true;
      wake?.();
    });
    const heartbeat = setInterval(() => void stream.write(': keep-alive\n\n'), HEARTBEAT_MS);
    try {
      while (!ended) {
        const event = pending.shift();
        if (event === undefined) {
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
          continue;
        }
        await stream.writeSSE({ id: String(event.id), event: event.type, data: JSON.stringify(event) });
        if (isTerminalEvent(event)) ended = true;
      }
    } finally {
      clearInterval(heartbeat);
      unsubscribe();
    }
  });
}
