import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import 'katex/dist/katex.min.css';
import './app/styles.css';
import { App } from './app/App';
import { keepScrollersReachable } from './app/scroll-reach';

const root = document.getElementById('root')!;
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
// What scrolls sideways on a narrow screen stays reachable by keyboard (app/scroll-reach.ts).
keepScrollersReachable(root);

// Offline support: the production build registers the generated service worker, which
// also serves the book cross-origin isolated (scripts/pwa-plugin.ts). On a host that sends
// no isolation headers, the first visit's page is not isolated; once the worker controls
// it, one reload makes it so (and gives the wasm backend its threads), as long as the
// reader has not done anything on the page yet, not even scrolled. Otherwise the next
// visit has it.
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  let touched = false;
  // Anything the reader does, scrolling the page included (a reload would lose the place).
  const touch = () => (touched = true);
  for (const type of ['pointerdown', 'keydown', 'input', 'wheel', 'touchstart'] as const) {
    window.addEventListener(type, touch, { capture: true, once: true });
  }
  window.addEventListener('scroll', touch, { once: true });
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (window.crossOriginIsolated || touched) return;
    // Once a tab at most, in case a browser keeps a page unisolated whatever it is sent.
    try {
      const key = 'cnn-book-isolation-reload';
      if (sessionStorage.getItem(key)) return;
      sessionStorage.setItem(key, '1');
    } catch {
      return;
    }
    location.reload();
  });
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('./sw.js').catch((e) => console.warn('service worker not registered', e));
  });
}
