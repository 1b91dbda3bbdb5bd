/** Why the engine could not compute what the widget shows, announced as an alert; nothing when there is no error. */
export function EngineError({ error, prefix, className }: { error: string | null; prefix?: string; className: string }) {
  if (!error) return null;
  return (
    <p className={className} role="alert">
      {prefix}
      {error}
    </p>
  );
}
