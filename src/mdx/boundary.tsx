import { Component, type ReactNode } from 'react';
import { renewFailedLazies } from './renewable-lazy';

interface Props {
  children: ReactNode;
  /** What shows instead of the children once they have thrown; `retry` renders them again. */
  fallback: (retry: () => void) => ReactNode;
  /** Named in the console warning. */
  what: string;
}

/** The boundaries showing their fallback now. */
const failedNow = new Set<RenderBoundary>();

/**
 * Catches what its children throw while rendering (a chunk that would not load, a widget's
 * bug) and shows `fallback` in their place, so one failing part never blanks the page. "Try
 * again" in any of them gives failed lazy imports a fresh start and renders every failed
 * part again: when the network drops, several widgets of a chapter fail at once, and one
 * click brings them all back.
 */
export class RenderBoundary extends Component<Props, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  override componentDidCatch(error: unknown) {
    failedNow.add(this);
    console.warn(`${this.props.what} failed to render`, error);
  }
  override componentWillUnmount() {
    failedNow.delete(this);
  }
  override render() {
    const retry = () => {
      renewFailedLazies();
      const all = [...failedNow, this];
      failedNow.clear();
      for (const b of all) b.setState({ failed: false });
    };
    return this.state.failed ? this.props.fallback(retry) : this.props.children;
  }
}
