import { useId } from "react";
import type {
  InputHTMLAttributes,
  ReactElement,
  SelectHTMLAttributes,
  TextareaHTMLAttributes,
} from "react";

const control =
  "mt-1 block w-full rounded-md border bg-white px-3 py-2 text-sm text-slate-900 shadow-sm " +
  "placeholder:text-slate-500 disabled:bg-slate-100";

function controlClass(error: string | undefined): string {
  return `${control} ${error ? "border-red-700" : "border-slate-400"}`;
}

interface FieldChrome {
  label: string;
  error?: string | undefined;
  hint?: string | undefined;
}

function Chrome({
  id,
  label,
  error,
  hint,
  children,
}: FieldChrome & { id: string; children: ReactElement }): ReactElement {
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      {children}
      {hint && !error ? (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-600">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-sm font-medium text-red-800">
          <span aria-hidden="true">⚠ </span>
          {error}
        </p>
      ) : null}
    </div>
  );
}

function describedBy(id: string, error?: string, hint?: string): string | undefined {
  if (error) return `${id}-error`;
  if (hint) return `${id}-hint`;
  return undefined;
}

/** A labelled text input that shows its error under it and ties both together for ARIA. */
export function TextField({
  label,
  error,
  hint,
  ...rest
}: FieldChrome & InputHTMLAttributes<HTMLInputElement>): ReactElement {
  const id = useId();
  return (
    <Chrome id={id} label={label} error={error} hint={hint}>
      <input
        id={id}
        className={controlClass(error)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error, hint)}
        {...rest}
      />
    </Chrome>
  );
}

/** A labelled select. */
export function SelectField({
  label,
  error,
  hint,
  options,
  ...rest
}: FieldChrome &
  SelectHTMLAttributes<HTMLSelectElement> & {
    options: readonly { value: string; label: string }[];
  }): ReactElement {
  const id = useId();
  return (
    <Chrome id={id} label={label} error={error} hint={hint}>
      <select
        id={id}
        className={controlClass(error)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error, hint)}
        {...rest}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Chrome>
  );
}

/** A labelled multi-line text box. */
export function TextAreaField({
  label,
  error,
  hint,
  ...rest
}: FieldChrome & TextareaHTMLAttributes<HTMLTextAreaElement>): ReactElement {
  const id = useId();
  return (
    <Chrome id={id} label={label} error={error} hint={hint}>
      <textarea
        id={id}
        rows={4}
        className={controlClass(error)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error, hint)}
        {...rest}
      />
    </Chrome>
  );
}
