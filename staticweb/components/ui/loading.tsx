import type { ReactElement } from "react";

/** A quiet loading line, announced politely. */
export function Loading({ label = "Loading…" }: { label?: string }): ReactElement {
  return (
    <p role="status" className="py-4 text-sm text-slate-600">
      {label}
    </p>
  );
}
