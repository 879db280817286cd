import type { ReactElement, ReactNode } from "react";

export type AlertTone = "error" | "warning" | "info" | "success";

const tones: Record<AlertTone, { box: string; icon: string; label: string }> = {
  error: { box: "border-red-700 bg-red-50 text-red-900", icon: "⚠", label: "Error" },
  warning: { box: "border-amber-600 bg-amber-50 text-amber-950", icon: "!", label: "Warning" },
  info: { box: "border-sky-700 bg-sky-50 text-sky-950", icon: "i", label: "Note" },
  success: { box: "border-green-700 bg-green-50 text-green-900", icon: "✓", label: "Done" },
};

/** A message box; errors are announced at once (role alert), the rest politely. */
export function Alert({
  tone,
  title,
  children,
}: {
  tone: AlertTone;
  title?: string;
  children?: ReactNode;
}): ReactElement {
  const t = tones[tone];
  return (
    <div
      role={tone === "error" ? "alert" : "status"}
      className={`flex gap-3 rounded-md border-l-4 px-4 py-3 text-sm ${t.box}`}
    >
      <span aria-hidden="true" className="font-bold">
        {t.icon}
      </span>
      <div>
        <p className="font-semibold">
          <span className="sr-only">{t.label}: </span>
          {title ?? t.label}
        </p>
        {children ? <div className="mt-1">{children}</div> : null}
      </div>
    </div>
  );
}
