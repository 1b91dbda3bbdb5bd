import type { ChangeEventHandler, Ref } from 'react';

/**
 * A file picker in the book's language. A browser draws its file input's button and the
 * "no file chosen" beside it in the browser's own language, whatever the reader chose for
 * the book; here the input stays (named by its label, focusable, what tests and assistive
 * technology use) but is hidden from sight, and the label is drawn as the button. Whatever
 * the widget does with a chosen file, it says in its own words.
 */
export function FileButton({
  label,
  accept,
  onChange,
  disabled,
  inputRef,
  describedBy,
  className,
}: {
  label: string;
  accept: string;
  onChange: ChangeEventHandler<HTMLInputElement>;
  disabled?: boolean;
  inputRef?: Ref<HTMLInputElement>;
  describedBy?: string;
  className?: string;
}) {
  return (
    <label className={className ? `file-button ${className}` : 'file-button'} data-disabled={disabled || undefined}>
      <input ref={inputRef} type="file" className="file-button-input" accept={accept} onChange={onChange} disabled={disabled} aria-describedby={describedBy} />
      <span className="file-button-face">{label}</span>
    </label>
  );
}
