import type { ReactElement } from "react";

export type BadgeTone = "neutral" | "good" | "bad" | "warn" | "busy";

const tones: Record<BadgeTone, string> = {
  neutral: "border-slate-300 bg-slate-100 text-slate-800",
  good: "border-green-700 bg-green-50 text-green-900",
  bad: "border-red-700 bg-red-50 text-red-900",
  warn: "border-amber-600 bg-amber-50 text-amber-950",
  busy: "border-sky-700 bg-sky-50 text-sky-950",
};

const icons: Record<BadgeTone, string> = {
  neutral: "•",
  good: "✓",
  bad: "✕",
  warn: "!",
  busy: "…",
};

/** A small status label: text and a symbol, so it reads without colour. */
export function Badge({ tone, label }: { tone: BadgeTone; label: string }): ReactElement {
  return (
    <span
      className={`inline-flex items-center gap-1 rounded-full border px-2 py-0.5 text-xs font-medium ${tones[tone]}`}
    >
      <span aria-hidden="true">{icons[tone]}</span>
      {label}
    </span>
  );
}
