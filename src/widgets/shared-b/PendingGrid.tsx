/** Placeholder of a matrix whose numbers the engine has not returned yet (no data-value, so tests wait). */
export function PendingGrid({ rows, cols }: { rows: number; cols: number }) {
  return (
    <table className="matrix matrix-pending" aria-hidden="true">
      <tbody>
        {Array.from({ length: rows }, (_, r) => (
          <tr key={r}>
            {Array.from({ length: cols }, (_, c) => (
              <td key={c} className="cell">
                …
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
