import type { ComponentProps, ReactNode } from 'react';

/**
 * Content wider than a narrow screen (a table, a row of number cells) that scrolls sideways
 * inside its own box instead of pushing the whole widget wider: a labelled region the
 * keyboard can reach and scroll. Label it with `label`, or with the id of a visible title.
 */
export function ScrollRegion({ label, labelledBy, className, children }: { label?: string; labelledBy?: string; className?: string; children: ReactNode }) {
  return (
    <div className={className ? `table-scroll ${className}` : 'table-scroll'} tabIndex={0} role="region" aria-label={labelledBy ? undefined : label} aria-labelledby={labelledBy}>
      {children}
    </div>
  );
}

/** A code block, which scrolls sideways on narrow screens: a region the keyboard can reach, named by `label` (not by the whole program). */
export function CodeRegion({ label, ...props }: ComponentProps<'pre'> & { label: string }) {
  return <pre tabIndex={0} role="region" aria-label={label} {...props} />;
}
