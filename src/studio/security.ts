import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { MiddlewareHandler } from 'hono';
import { StudioError } from './errors.js';

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/** 127.0.0.0/8, ::1 and localhost: the addresses only this machine reaches. */
export function isLoopback(host: string): boolean {
  const name = host.replace(/^\[|\]$/g, '').toLowerCase();
  return name === 'localhost' || name === '::1' || (isIP(name) === 4 && name.startsWith('127.'));
}

/** 0.0.0.0 or :: — every interface, so any name of the machine may reach it. */
function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

/** The token as a sha256 digest, so the comparison takes the same time whatever the lengths. */
function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

export function tokenMatches(given: string | undefined, expected: string): boolean {
  return given !== undefined && timingSafeEqual(digest(given), digest(expected));
}

/** The host names a Host header may carry for a server bound to `host` (DNS-rebinding guard). */
function allowedNames(host: string): Set<string> {
  const name = (isIP(host) === 6 ? `[${host}]` : host).toLowerCase();
  return new Set(isLoopback(host) ? [name, ...LOOPBACK_NAMES] : [name]);
}

/** "name:port" split; IPv6 names keep their brackets. */
function splitHostHeader(value: string): { name: string; port: number | undefined } | undefined {
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(value.trim());
  if (!match) return undefined;
  return { name: match[1]!.toLowerCase(), port: match[2] === undefined ? undefined : Number(match[2]) };
}

export interface SecurityOptions {
  host: string;
  port: number;
  token?: string;
}

/**
 * Refuses what the Studio must never serve: a Host that is not the bound address (a DNS-rebinding page
 * would send its own name), an Origin other than the page's own (a foreign site driving the API from a
 * browser), and, with a token, an API request without it (Authorization: Bearer, or ?token= where a
 * header cannot be set, as with EventSource).
 */
export function securityMiddleware(options: SecurityOptions): MiddlewareHandler {
  const names = allowedNames(options.host);
  const wildcard = isWildcard(options.host);
  return async (c, next) => {
    const hostHeader = c.req.header('host');
    const parsed = hostHeader === undefined ? undefined : splitHostHeader(hostHeader);
    const portOk = parsed !== undefined && (parsed.port ?? 80) === options.port;
    if (!parsed || !portOk || (!wildcard && !names.has(parsed.name))) {
      throw new StudioError(403, 'forbidden_host', `Host "${hostHeader ?? ''}" is not this server's address`);
    }
    const origin = c.req.header('origin');
    if (origin !== undefined && !sameOrigin(origin, hostHeader!)) {
      throw new StudioError(403, 'forbidden_origin', `Origin "${origin}" is not this server's; requests from other sites are refused`);
    }
    if (options.token !== undefined && c.req.path.startsWith('/api/')) {
      const bearer = /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '')?.[1]?.trim();
      if (!tokenMatches(bearer ?? c.req.query('token'), options.token)) {
        throw new StudioError(401, 'unauthorized', 'a valid token is required: Authorization: Bearer <token> (or ?token= for event streams)');
      }
    }
    await next();
  };
}

function sameOrigin(origin: string, hostHeader: string): boolean {
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host.toLowerCase() === new URL(`http://${hostHeader}`).host.toLowerCase();
  } catch {
    return false;
  }
}
