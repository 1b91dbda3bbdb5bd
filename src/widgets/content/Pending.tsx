/** Marks a widget tag whose component does not exist yet; visible, never silent. */
export function pending(name: string) {
  function Pending() {
    return (
      <div className="widget-pending" role="note" data-pending-widget={name}>
        The <code>{name}</code> widget is not available in this build.
      </div>
    );
  }
  Pending.displayName = `Pending(${name})`;
  return Pending;
}
