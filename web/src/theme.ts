import { useEffect, useState } from 'preact/hooks';

export type Theme = 'light' | 'dark';
const KEY = 'planalign.theme';
const CHANGED = 'planalign-theme';

/** The theme chosen with the toggle, else the system's (prefers-color-scheme). */
export function currentTheme(): Theme {
  const chosen = localStorage.getItem(KEY);
  if (chosen === 'light' || chosen === 'dark') return chosen;
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

/** Applies the theme to <html data-theme> (the stylesheet's variables follow it) and tells the charts. */
export function applyTheme(theme: Theme, remember: boolean): void {
  if (remember) localStorage.setItem(KEY, theme);
  document.documentElement.dataset.theme = theme;
  dispatchEvent(new Event(CHANGED));
}

/** The current theme; re-renders when it changes. */
export function useTheme(): Theme {
  const [theme, setTheme] = useState(currentTheme);
  useEffect(() => {
    const update = (): void => setTheme(currentTheme());
    addEventListener(CHANGED, update);
    const media = matchMedia('(prefers-color-scheme: dark)');
    media.addEventListener('change', update);
    return () => {
      removeEventListener(CHANGED, update);
      media.removeEventListener('change', update);
    };
  }, []);
  return theme;
}

/** The Okabe–Ito palette (colour-blind safe), in the order charts use it; black becomes light grey in dark mode. */
export function palette(theme: Theme): string[] {
  return ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', theme === 'dark' ? '#D0D0D0' : '#000000'];
}

/** A CSS variable of the current theme (charts read their text and grid colours from the stylesheet). */
export function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}
