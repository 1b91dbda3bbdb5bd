import { useEffect } from 'react';
import { useSettings } from '../stores/settings';

/**
 * Applies the chosen theme to <html data-theme>. "System" follows the system: a request
 * for more contrast (`prefers-contrast: more`, as macOS's "Increase contrast" sets it)
 * picks the high-contrast theme, else the light or dark appearance does.
 */
export function useTheme(): void {
  const theme = useSettings((s) => s.theme);
  useEffect(() => {
    const dark = window.matchMedia('(prefers-color-scheme: dark)');
    const contrast = window.matchMedia('(prefers-contrast: more)');
    const apply = () => {
      const resolved = theme === 'system' ? (contrast.matches ? 'contrast' : dark.matches ? 'dark' : 'light') : theme;
      document.documentElement.dataset.theme = resolved;
    };
    apply();
    dark.addEventListener('change', apply);
    contrast.addEventListener('change', apply);
    return () => {
      dark.removeEventListener('change', apply);
      contrast.removeEventListener('change', apply);
    };
  }, [theme]);
}
