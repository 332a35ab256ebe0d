import type { FunctionComponent } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { CensusPage } from './pages/census';
import { ComparePage } from './pages/compare';
import { DashboardPage } from './pages/dashboard';
import { EditorPage } from './pages/editor';
import { EnsemblesPage } from './pages/ensembles';
import { RunsPage } from './pages/runs';
import { ScenariosPage } from './pages/scenarios';
import { TimelinePage } from './pages/timeline';
import { link, useRoute, type Pattern } from './router';
import { applyTheme, useTheme } from './theme';
import { EmptyState } from './components/ui';

/** The header's links, in the order an analyst works: design, data, run, read, compare. */
const NAV: ReadonlyArray<{ path: string; label: string }> = [
  { path: '/scenarios', label: 'Scenarios' },
  { path: '/editor', label: 'Plan design' },
  { path: '/census', label: 'Census' },
  { path: '/runs', label: 'Runs' },
  { path: '/dashboard', label: 'Dashboard' },
  { path: '/compare', label: 'Compare' },
  { path: '/ensembles', label: 'Ensembles' },
  { path: '/timeline', label: 'Timeline' },
];

const PAGES: Record<Pattern, FunctionComponent> = {
  '/scenarios': ScenariosPage,
  '/scenarios/:name/edit': EditorPage,
  '/editor': EditorPage,
  '/census': CensusPage,
  '/runs': RunsPage,
  '/runs/:scenario/:runId': RunsPage,
  '/dashboard': DashboardPage,
  '/dashboard/:scenario/:runId': DashboardPage,
  '/compare': ComparePage,
  '/ensembles': EnsemblesPage,
  '/ensembles/:scenario/:runId': EnsemblesPage,
  '/timeline': TimelinePage,
  '/timeline/:scenario/:runId': TimelinePage,
  '/timeline/:scenario/:runId/:employeeId': TimelinePage,
};

/** The nav entry a path belongs to: its first segment ('/scenarios/x/edit' is the plan design editor's). */
function section(path: string): string {
  return /^\/scenarios\/[^/]+\/edit$/.test(path) ? '/editor' : `/${path.split('/')[1] ?? ''}`;
}

export function App() {
  const route = useRoute();
  const theme = useTheme();
  const main = useRef<HTMLElement>(null);
  const Page = route.pattern === undefined ? undefined : PAGES[route.pattern];
  const current = section(route.path);
  // A page opened from the app: focus moves to it (screen readers announce it; Tab continues from there).
  // Not on load: the first Tab then reaches the skip link.
  const loaded = useRef(false);
  useEffect(() => {
    if (loaded.current) main.current?.focus({ preventScroll: true });
    loaded.current = true;
  }, [route.path]);
  useEffect(() => {
    const label = NAV.find((n) => n.path === current)?.label;
    document.title = label === undefined ? 'PlanAlign Studio' : `${label} · PlanAlign Studio`;
  }, [current]);
  return (
    <>
      <a class="skip-link" href="#main" onClick={(e) => (e.preventDefault(), main.current?.focus())}>
        Skip to content
      </a>
      <header class="app-header">
        <a class="brand" href={link('/scenarios')}>
          PlanAlign <span>Studio</span>
        </a>
        <nav aria-label="Pages">
          <ul>
            {NAV.map((n) => (
              <li key={n.path}>
                <a href={link(n.path)} aria-current={n.path === current ? 'page' : undefined}>
                  {n.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <button
          type="button"
          class="theme-toggle"
          aria-pressed={theme === 'dark'}
          onClick={() => applyTheme(theme === 'dark' ? 'light' : 'dark', true)}
        >
          {theme === 'dark' ? 'Light theme' : 'Dark theme'}
        </button>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        {Page === undefined ? (
          <EmptyState title="No such page">
            <p>
              Nothing lives at <code>#{route.path}</code>. <a href={link('/scenarios')}>Go to the scenarios</a>.
            </p>
          </EmptyState>
        ) : (
          <Page key={route.pattern} />
        )}
      </main>
    </>
  );
}
