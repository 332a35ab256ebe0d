import { request as httpRequest } from 'node:http';
import { pino } from 'pino';
import { expect } from 'vitest';
import { createStudioApp, type StudioOptions } from '../../src/studio/app.js';
import type { StudioApp } from '../../src/studio/deps.js';

export const HOST = '127.0.0.1';
export const PORT = 8765;
/** What a same-origin client of an app bound to HOST:PORT sends. */
export const HOST_HEADER = `${HOST}:${PORT}`;
export const ORIGIN = `http://${HOST_HEADER}`;

/** The app bound (for its Host check) to 127.0.0.1:8765, for app.request(); errors logged nowhere. */
export function testApp(options: Omit<StudioOptions, 'host' | 'port'>): StudioApp {
  return createStudioApp({ host: HOST, port: PORT, log: pino({ level: 'silent' }), ...options });
}

/** app.request() with the Host header a client of 127.0.0.1:8765 sends, and a JSON body when given. */
export function call(app: StudioApp, method: string, path: string, options: { json?: unknown; headers?: Record<string, string>; body?: BodyInit } = {}) {
  const headers: Record<string, string> = { host: HOST_HEADER, ...options.headers };
  if (options.json !== undefined) headers['content-type'] = 'application/json';
  return app.request(path, { method, headers, body: options.json !== undefined ? JSON.stringify(options.json) : options.body });
}

/** Asserts the API's error shape with this status and code; returns the message. */
export async function expectError(response: Response, status: number, code: string): Promise<string> {
  const body = (await response.json()) as { error: { code: string; message: string } };
  expect({ status: response.status, code: body.error.code }).toEqual({ status, code });
  expect(body.error.message).not.toMatch(/\n\s+at /); // never a stack
  return body.error.message;
}

/** A raw HTTP request over the socket, with any Host header (fetch sets its own). */
export function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

export interface SseEvent {
  id: number;
  type: string;
  data: { id: number; type: string; scenario: string; runId: string; data: Record<string, any> };
}

/**
 * Reads a server-sent event stream to its end (the server closes it after the terminal event),
 * calling `onEvent` as each arrives.
 */
export async function readEventStream(
  url: string,
  options: { headers?: Record<string, string>; onEvent?: (event: SseEvent) => void | Promise<void> } = {},
): Promise<SseEvent[]> {
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...options.headers } });
  if (response.status !== 200) throw new Error(`event stream ${url}: ${response.status} ${await response.text()}`);
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const events: SseEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const fields = Object.fromEntries(frame.split('\n').filter((l) => !l.startsWith(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]));
      if (fields.data === undefined) continue;
      const event: SseEvent = { id: Number(fields.id), type: fields.event ?? 'message', data: JSON.parse(fields.data) };
      events.push(event);
      await options.onEvent?.(event);
    }
  }
  return events;
}
