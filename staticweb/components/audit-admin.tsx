"use client";

import { useQuery } from "@tanstack/react-query";
import { useState, type SyntheticEvent, type ReactElement } from "react";
import { useApi } from "@/hooks/use-api";
import type { AuditQuery } from "@/lib/api/client";
import { addDays } from "@/lib/dates";
import { AuditResults } from "./access-history";
import { Require } from "./require";
import { Button } from "./ui/button";
import { Card } from "./ui/card";
import { SelectField, TextField } from "./ui/field";

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The instant a local calendar day starts (the API filters on instants). */
function localDayStart(date: string): string {
  const [y, m, d] = date.split("-").map(Number);
  return new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1).toISOString();
}

/** The audit log by patient (opaque id) or by staff member, over a date range. */
export function AuditAdmin(): ReactElement {
  return (
    <Require capability="audit">
      <AuditAdminInner />
    </Require>
  );
}

function AuditAdminInner(): ReactElement {
  const api = useApi();
  const staff = useQuery({ queryKey: ["staff"], queryFn: () => api.listStaff() });
  const [patientId, setPatientId] = useState("");
  const [staffId, setStaffId] = useState("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [error, setError] = useState<string | undefined>(undefined);
  const [query, setQuery] = useState<AuditQuery | null>(null);
  const onSubmit = (e: SyntheticEvent): void => {
    e.preventDefault();
    const pid = patientId.trim();
    if (pid !== "" && !uuid.test(pid)) {
      setError("Paste a patient id (from the patient page address), not a name.");
      return;
    }
    setError(undefined);
    const q: AuditQuery = {};
    if (pid !== "") q.patientId = pid;
    if (staffId !== "") q.staffId = staffId;
    if (from !== "") q.from = localDayStart(from);
    if (to !== "") q.to = localDayStart(addDays(to, 1));
    setQuery(q);
  };
  const staffOptions = [
    { value: "", label: "Anyone" },
    ...(staff.data ?? []).map((s) => ({ value: s.id, label: s.displayName ?? s.email })),
  ];
  return (
    <div className="space-y-6">
      <h1>Audit log</h1>
      <Card title="Filter">
        <form onSubmit={onSubmit} className="grid items-end gap-4 md:grid-cols-[2fr_2fr_1fr_1fr_auto]" aria-label="Audit filter">
          <TextField label="Patient id" value={patientId} error={error} autoComplete="off" spellCheck={false} onChange={(e) => setPatientId(e.target.value)} />
          <SelectField label="Staff member" value={staffId} options={staffOptions} onChange={(e) => setStaffId(e.target.value)} />
          <TextField label="From" type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
          <TextField label="To" type="date" value={to} onChange={(e) => setTo(e.target.value)} />
          <Button type="submit" variant="primary">
            Show entries
          </Button>
        </form>
      </Card>
      {query ? (
        <Card title="Entries">
          <AuditResults query={query} showPatient={query.patientId === undefined} />
        </Card>
      ) : null}
    </div>
  );
}
