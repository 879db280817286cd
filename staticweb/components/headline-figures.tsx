"use client";

import { useQuery } from "@tanstack/react-query";
import type { ReactElement } from "react";
import { useApi } from "@/hooks/use-api";
import { useSession } from "@/hooks/use-session";

function Figure({ label, value }: { label: string; value: string }): ReactElement {
  return (
    <div className="rounded-lg border border-slate-200 bg-white px-4 py-3 shadow-sm">
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-600">{label}</dt>
      <dd className="mt-1 text-2xl font-semibold tabular-nums text-slate-900">{value}</dd>
    </div>
  );
}

/**
 * A few practice figures for roles with analytics. Renders nothing for other roles, while
 * loading, or when the analytics API is not deployed (404) or fails: it is a bonus, not a
 * reason to block the patient list.
 */
export function HeadlineFigures(): ReactElement | null {
  const api = useApi();
  const { can } = useSession();
  const stats = useQuery({
    queryKey: ["analytics", "patients"],
    queryFn: () => api.patientStats(),
    enabled: can.analytics,
    retry: false,
  });
  if (!can.analytics || !stats.data) return null;
  const s = stats.data;
  const lastNew = s.newPatients.points.at(-1);
  return (
    <section aria-labelledby="headline-heading" className="mb-6">
      <h2 id="headline-heading" className="sr-only">
        Practice figures
      </h2>
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
        <Figure label="Patients" value={s.total.toLocaleString()} />
        <Figure label="Active (12 months)" value={s.active.toLocaleString()} />
        {lastNew ? (
          <Figure label={`New since ${lastNew.period}`} value={lastNew.registered.toLocaleString()} />
        ) : null}
        {s.total > 0 ? (
          <Figure label="Active share" value={`${Math.round((s.active / s.total) * 100)}%`} />
        ) : null}
      </dl>
    </section>
  );
}
