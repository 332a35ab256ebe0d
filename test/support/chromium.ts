import { ensureDebianPackage } from '../../src/bench/redis-server.js';

/** Debian's chromium, which the browser tests drive through playwright-core (no browser download). */
export const CHROMIUM = '/usr/bin/chromium';

/** Installs Debian's chromium when missing (a browser test never silently skips). */
export function ensureChromium(): string {
  ensureDebianPackage('chromium', 'chromium');
  return CHROMIUM;
}
