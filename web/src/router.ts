import { useEffect, useState } from 'preact/hooks';

/**
 * Hash routing (#/runs/default/<id>?tab=x): the Studio serves one index.html, so the path lives in the
 * hash and a reload keeps the page. Every route of the app is a pattern here; `:name` segments become params.
 */
export const PATTERNS = [
  '/scenarios',
  '/scenarios/:name/edit',
  '/editor',
  '/census',
  '/runs',
  '/runs/:scenario/:runId',
  '/dashboard',
  '/dashboard/:scenario/:runId',
  '/compare',
  '/ensembles',
  '/ensembles/:scenario/:runId',
  '/timeline',
  '/timeline/:scenario/:runId',
  '/timeline/:scenario/:runId/:employeeId',
] as const;
export type Pattern = (typeof PATTERNS)[number];

export interface Route {
  path: string;
  /** The pattern the path matched (undefined: no page of the app). */
  pattern: Pattern | undefined;
  params: Record<string, string>;
  query: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const [rawPath = '', search = ''] = hash.replace(/^#/, '').split('?', 2);
  const path = rawPath === '' || rawPath === '/' ? '/scenarios' : rawPath;
  const segments = path.split('/').filter((s) => s !== '');
  for (const pattern of PATTERNS) {
    const parts = pattern.split('/').filter((s) => s !== '');
    if (parts.length !== segments.length) continue;
    const params: Record<string, string> = {};
    if (parts.every((p, i) => (p.startsWith(':') ? ((params[p.slice(1)] = decodeURIComponent(segments[i]!)), true) : p === segments[i]))) {
      return { path, pattern, params, query: new URLSearchParams(search) };
    }
  }
  return { path, pattern: undefined, params: {}, query: new URLSearchParams(search) };
}

/** The current route; re-renders on every hash change. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const update = (): void => setRoute(parseHash(location.hash));
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}

/** The href of an app path ('/runs/default/x?tab=y'): segments are the caller's to encode (see `pathOf`). */
export function link(path: string): string {
  return `#${path}`;
}

export function navigate(path: string): void {
  location.hash = link(path);
}

/** An app path of segments, each URI-encoded: pathOf('runs', scenario, runId) -> '/runs/default/20261201T...'. */
export function pathOf(...segments: string[]): string {
  return `/${segments.map(encodeURIComponent).join('/')}`;
}
