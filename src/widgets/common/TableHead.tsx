import type { ReactNode } from 'react';
import { notation } from './Notation';

/** A table's header row: one column header per entry. */
export function TableHead({ columns }: { columns: readonly ReactNode[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c, i) => (
          <th key={i} scope="col">
            {typeof c === 'string' ? notation(c) : c}
          </th>
        ))}
      </tr>
    </thead>
  );
}
