import { Moon, Sun } from 'lucide-react';
import { createContext, use, useCallback, useEffect, useMemo, useState, useSyncExternalStore, type ReactNode } from 'react';

export const THEME_STORAGE_KEY = 'switchboard.theme';

export type Theme = 'light' | 'dark';

const DARK_QUERY = '(prefers-color-scheme: dark)';

function readStoredTheme(): Theme | null {
  try {
    const value = window.localStorage.getItem(THEME_STORAGE_KEY);
    return value === 'light' || value === 'dark' ? value : null;
  } catch {
    return null;
  }
}

function subscribeSystem(listener: () => void): () => void {
  const media = window.matchMedia(DARK_QUERY);
  media.addEventListener('change', listener);
  return () => media.removeEventListener('change', listener);
}

const systemTheme = (): Theme => (window.matchMedia(DARK_QUERY).matches ? 'dark' : 'light');

/** Applies a theme before React renders (called from main.tsx), so the first paint has the right colours. */
export function applyInitialTheme(): void {
  document.documentElement.dataset['theme'] = readStoredTheme() ?? systemTheme();
}

interface ThemeApi {
  theme: Theme;
  toggle(): void;
}

const ThemeContext = createContext<ThemeApi | null>(null);

/** Follows `prefers-color-scheme` until the user picks a theme; the pick is kept in localStorage. */
export function ThemeProvider({ children }: { children: ReactNode }) {
  const system = useSyncExternalStore(subscribeSystem, systemTheme);
  const [chosen, setChosen] = useState<Theme | null>(readStoredTheme);
  const theme = chosen ?? system;

  useEffect(() => {
    document.documentElement.dataset['theme'] = theme;
  }, [theme]);

  const toggle = useCallback(() => {
    const next: Theme = theme === 'dark' ? 'light' : 'dark';
    setChosen(next);
    try {
      window.localStorage.setItem(THEME_STORAGE_KEY, next);
    } catch {
      // not persisted: private mode
    }
  }, [theme]);

  const api = useMemo(() => ({ theme, toggle }), [theme, toggle]);
  return <ThemeContext value={api}>{children}</ThemeContext>;
}

export function useTheme(): ThemeApi {
  const api = use(ThemeContext);
  if (api === null) throw new Error('useTheme() outside <ThemeProvider>');
  return api;
}

export function ThemeToggle() {
  const { theme, toggle } = useTheme();
  const label = theme === 'dark' ? 'Switch to light theme' : 'Switch to dark theme';
  return (
    <button type="button" className="icon-button" aria-label={label} title={label} onClick={toggle}>
      {theme === 'dark' ? <Sun size={16} aria-hidden="true" /> : <Moon size={16} aria-hidden="true" />}
    </button>
  );
}
