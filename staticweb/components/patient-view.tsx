"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type ReactElement, type ReactNode } from "react";
import { useApi } from "@/hooks/use-api";
import { useQueryId } from "@/hooks/use-query-id";
import { useSession } from "@/hooks/use-session";
import { describeError } from "@/lib/api/problem";
import type { Patient } from "@/lib/api/schemas";
import { ageOn, formatInstant, todayLocal } from "@/lib/dates";
import { fullName, sexLabels } from "@/lib/patient-format";
import { AccessHistory } from "./access-history";
import { DocumentsSection } from "./documents-section";
import { VisitHistory } from "./visit-history";
import { Alert } from "./ui/alert";
import { Badge } from "./ui/badge";
import { Button, ButtonLink } from "./ui/button";
import { Card } from "./ui/card";
import { Loading } from "./ui/loading";

function Item({ label, children }: { label: string; children: ReactNode }): ReactElement {
  return (
    <div>
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-600">{label}</dt>
      <dd className="mt-0.5 text-sm text-slate-900">{children}</dd>
    </div>
  );
}

function orDash(s: string | null): string {
  return s === null || s === "" ? "—" : s;
}

/** Demographics as a definition list. Every value is rendered as text, never as markup. */
export function Demographics({ patient: p }: { patient: Patient }): ReactElement {
  const address = p.address
    ? [...p.address.lines, p.address.city, p.address.region, p.address.postalCode, p.address.country]
        .filter((x) => x !== null && x !== "")
        .join(", ")
    : "";
  return (
    <dl className="grid gap-4 sm:grid-cols-3">
      <Item label="Birth date">
        <span className="tabular-nums">{p.birthDate}</span>{" "}
        <span className="text-slate-600">(age {ageOn(p.birthDate, p.deceasedDate ?? todayLocal())})</span>
      </Item>
      <Item label="Sex">{sexLabels[p.sex]}</Item>
      <Item label="Phone">{orDash(p.phone)}</Item>
      <Item label="Email">{orDash(p.email)}</Item>
      <Item label="Preferred language">{orDash(p.preferredLanguage)}</Item>
      <Item label="Address">{orDash(address)}</Item>
      {p.deceasedDate ? <Item label="Date of death">{p.deceasedDate}</Item> : null}
      {p.identifiers.length > 0 ? (
        <Item label="Other identifiers">
          {p.identifiers.map((i) => `${i.system}: ${i.value}`).join("; ")}
        </Item>
      ) : null}
      <Item label="Last updated">{formatInstant(p.updatedAt)}</Item>
    </dl>
  );
}

function ArchiveButton({ patient, etag }: { patient: Patient; etag: string }): ReactElement {
  const api = useApi();
  const qc = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const archived = patient.archivedAt !== null;
  const run = async (): Promise<void> => {
    if (!archived && !window.confirm("Archive this patient? They will leave the patient list.")) return;
    setBusy(true);
    setError(null);
    try {
      if (archived) await api.restorePatient(patient.id);
      else await api.archivePatient(patient.id, etag);
      await qc.invalidateQueries({ queryKey: ["patient", patient.id] });
      await qc.invalidateQueries({ queryKey: ["patients"] });
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button variant={archived ? "secondary" : "danger"} disabled={busy} onClick={() => void run()}>
        {archived ? "Restore" : "Archive"}
      </Button>
      {error ? <Alert tone="error" title="Not done">{error}</Alert> : null}
    </>
  );
}

/** The patient page at `/patients/view/?id=`: works for any id, on reload, on a static host. */
export function PatientView(): ReactElement {
  const api = useApi();
  const { can } = useSession();
  const id = useQueryId();
  const patient = useQuery({
    queryKey: ["patient", id],
    queryFn: () => api.getPatient(id ?? ""),
    enabled: id !== null && can.patients,
  });
  if (!can.patients) return <Alert tone="info" title="Not available for your role" />;
  if (id === null) {
    return <Alert tone="error" title="No patient selected">Open a patient from the patient list.</Alert>;
  }
  if (patient.isPending) return <Loading label="Loading patient…" />;
  if (patient.isError) {
    return <Alert tone="error" title="Could not load the patient">{describeError(patient.error)}</Alert>;
  }
  const { value: p, etag } = patient.data;
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1>{fullName(p)}</h1>
          <p className="mt-1 flex flex-wrap items-center gap-3 text-sm text-slate-700">
            <span>
              MRN <span className="font-mono">{p.mrn}</span>
            </span>
            {p.archivedAt ? <Badge tone="neutral" label="Archived" /> : null}
            {p.deceasedDate ? <Badge tone="neutral" label="Deceased" /> : null}
          </p>
        </div>
        <div className="flex flex-wrap gap-2">
          {can.editPatients ? (
            <ButtonLink href={`/patients/edit/?id=${encodeURIComponent(p.id)}`}>Edit patient</ButtonLink>
          ) : null}
          {can.visits ? (
            <ButtonLink href={`/visits/new/?patientId=${encodeURIComponent(p.id)}`} variant="primary">
              Log visit
            </ButtonLink>
          ) : null}
          {can.archivePatients ? <ArchiveButton patient={p} etag={etag} /> : null}
        </div>
      </div>
      <Card title="Demographics">
        <Demographics patient={p} />
      </Card>
      {can.visits ? <VisitHistory patientId={p.id} /> : null}
      {can.documents ? <DocumentsSection patientId={p.id} /> : null}
      {can.audit ? <AccessHistory patientId={p.id} /> : null}
    </div>
  );
}
