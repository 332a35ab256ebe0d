import type { RedisOptions } from 'bullmq';
import { PlanAlignError, UsageError } from '../errors.js';

/** A `--queue` URL, parsed: where Redis is, and how to log in (the password is never printed). */
export interface RedisTarget {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls: boolean;
  /** `host:port`, for messages. */
  address: string;
}

const URL_FORM = 'redis://[user:password@]host[:port][/db] or rediss://… (TLS)';

/** Parses `redis://[user:pass@]host:port/db` or `rediss://…`; anything else is a usage error naming the expected form. */
export function parseRedisUrl(url: string): RedisTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not echoed: a malformed URL may still hold a password.
    throw new UsageError(`--queue is not a URL: expected ${URL_FORM}`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new UsageError(`--queue ${redact(url)}: unsupported scheme "${parsed.protocol}", expected ${URL_FORM}`);
  }
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') throw new UsageError(`--queue ${redact(url)} names no host: expected ${URL_FORM}`);
  const port = parsed.port === '' ? 6379 : Number(parsed.port);
  const dbText = parsed.pathname.replace(/^\//, '');
  if (!/^\d*$/.test(dbText)) {
    throw new UsageError(`--queue ${redact(url)}: the database "${dbText}" must be a whole number (redis://host:port/0)`);
  }
  if (parsed.search !== '' || parsed.hash !== '') {
    throw new UsageError(`--queue ${redact(url)}: query strings and fragments are not supported: expected ${URL_FORM}`);
  }
  const target: RedisTarget = {
    host,
    port,
    db: dbText === '' ? 0 : Number(dbText),
    tls: parsed.protocol === 'rediss:',
    address: `${host}:${port}`,
  };
  if (parsed.username !== '') target.username = decodeURIComponent(parsed.username);
  if (parsed.password !== '') target.password = decodeURIComponent(parsed.password);
  return target;
}

/** The URL with its password replaced, for messages. */
export function redact(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:@/]*:)[^@/]*@/i, '$1***@');
}

/** How long a lost connection is retried before the run or worker fails (ms). */
export const UNREACHABLE_AFTER_MS = 60_000;

/**
 * ioredis options for `target`. A lost connection is retried (every 0.2–2 s) for `unreachableAfterMs`,
 * then given up, so that the commands waiting on it fail instead of hanging forever.
 */
export function redisOptions(target: RedisTarget, unreachableAfterMs = UNREACHABLE_AFTER_MS): RedisOptions {
  let since = 0;
  const options: RedisOptions = {
    host: target.host,
    port: target.port,
    db: target.db,
    retryStrategy: (times) => {
      if (times === 1) since = Date.now();
      return Date.now() - since > unreachableAfterMs ? null : Math.min(200 * times, 2000);
    },
  };
  if (target.username !== undefined) options.username = target.username;
  if (target.password !== undefined) options.password = target.password;
  if (target.tls) options.tls = { servername: target.host };
  return options;
}

/** Redis could not be reached (or stayed lost) for the whole retry window. */
export function unreachable(target: RedisTarget, cause?: unknown): PlanAlignError {
  const detail = cause instanceof Error ? `: ${cause.message}` : '';
  return new PlanAlignError(
    `Redis at ${target.address} unreachable${detail}`,
    {},
    'Check that Redis is running and the --queue URL (host, port, password, rediss:// for TLS) is right.',
    { cause },
  );
}
