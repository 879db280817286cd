import type { ReactElement } from "react";

/** A labelled progress bar (native `<progress>`, announced by screen readers). */
export function ProgressBar({ label, value }: { label: string; value: number }): ReactElement {
  const pct = Math.round(Math.max(0, Math.min(1, value)) * 100);
  return (
    <div className="flex items-center gap-3">
      <progress aria-label={label} max={100} value={pct} className="flex-1" />
      <span className="w-10 text-right text-xs tabular-nums text-slate-700">{pct}%</span>
    </div>
  );
}
