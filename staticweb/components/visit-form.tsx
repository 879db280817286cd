"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useCallback, useState, type SyntheticEvent, type ReactElement } from "react";
import { useApi } from "@/hooks/use-api";
import { useQueryId } from "@/hooks/use-query-id";
import { useSession } from "@/hooks/use-session";
import { toFormErrors, useVersionedForm, type Snapshot } from "@/hooks/use-versioned-form";
import { describeError } from "@/lib/api/problem";
import type { Visit } from "@/lib/api/schemas";
import { fullName, patientHref } from "@/lib/patient-format";
import {
  apiFieldToVisitField,
  newVisitValues,
  visitChanges,
  visitFieldLabels,
  visitToValues,
  visitValuesToInput,
  type VisitField,
  type VisitValues,
} from "@/lib/visit-values";
import { ConflictPanel } from "./conflict-panel";
import { Require } from "./require";
import { VisitFields } from "./visit-fields";
import { Alert } from "./ui/alert";
import { Button, ButtonLink } from "./ui/button";
import { Loading } from "./ui/loading";

function PatientLine({ patientId }: { patientId: string }): ReactElement | null {
  const api = useApi();
  const p = useQuery({ queryKey: ["patient", patientId], queryFn: () => api.getPatient(patientId) });
  if (!p.data) return null;
  return (
    <p className="mt-1 text-sm text-slate-700">
      {fullName(p.data.value)} · MRN <span className="font-mono">{p.data.value.mrn}</span>
    </p>
  );
}

/** "Log visit" at `/visits/new/?patientId=`. */
export function VisitCreate(): ReactElement {
  const patientId = useQueryId("patientId");
  if (patientId === null) return <Alert tone="error" title="No patient selected" />;
  return (
    <Require capability="visits">
      <VisitCreateForm patientId={patientId} />
    </Require>
  );
}

function VisitCreateForm({ patientId }: { patientId: string }): ReactElement {
  const api = useApi();
  const router = useRouter();
  const qc = useQueryClient();
  const { can } = useSession();
  const [key] = useState(() => crypto.randomUUID());
  const [values, setValues] = useState<VisitValues>(() => newVisitValues());
  const [errors, setErrors] = useState<Partial<Record<VisitField, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const onSubmit = async (e: SyntheticEvent): Promise<void> => {
    e.preventDefault();
    setSaving(true);
    setFormError(null);
    try {
      await api.createVisit(patientId, visitValuesToInput(values, can.visitNotes), key);
      await qc.invalidateQueries({ queryKey: ["visits", patientId] });
      router.push(patientHref(patientId));
    } catch (err) {
      setErrors(toFormErrors(err, apiFieldToVisitField));
      setFormError(describeError(err));
    } finally {
      setSaving(false);
    }
  };
  return (
    <form noValidate onSubmit={(e) => void onSubmit(e)} className="space-y-6" aria-labelledby="visit-heading">
      <div>
        <h1 id="visit-heading">Log visit</h1>
        <PatientLine patientId={patientId} />
      </div>
      {formError ? <Alert tone="error" title="Not saved">{formError}</Alert> : null}
      <div className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
        <VisitFields
          values={values}
          errors={errors}
          withNotes={can.visitNotes}
          onChange={(f, v) => {
            setValues((old) => ({ ...old, [f]: v }));
            setErrors((old) => ({ ...old, [f]: undefined }));
          }}
        />
      </div>
      <div className="flex gap-3">
        <Button type="submit" variant="primary" disabled={saving}>
          {saving ? "Saving…" : "Save visit"}
        </Button>
        <ButtonLink href={patientHref(patientId)}>Cancel</ButtonLink>
      </div>
    </form>
  );
}

/** "Edit visit" at `/visits/edit/?id=`, with the same conflict handling as patients. */
export function VisitEdit(): ReactElement {
  const api = useApi();
  const id = useQueryId();
  const visit = useQuery({
    queryKey: ["visit", id],
    queryFn: () => api.getVisit(id ?? ""),
    enabled: id !== null,
    staleTime: 0,
  });
  if (id === null) return <Alert tone="error" title="No visit selected" />;
  if (visit.isPending) return <Loading />;
  if (visit.isError) {
    return <Alert tone="error" title="Could not load the visit">{describeError(visit.error)}</Alert>;
  }
  return (
    <Require capability="visits">
      <VisitEditForm visit={visit.data.value} etag={visit.data.etag} />
    </Require>
  );
}

function VisitEditForm({ visit, etag }: { visit: Visit; etag: string }): ReactElement {
  const api = useApi();
  const router = useRouter();
  const qc = useQueryClient();
  const { can } = useSession();
  const save = useCallback(
    async (base: VisitValues, values: VisitValues, tag: string): Promise<Snapshot<VisitValues>> => {
      const res = await api.updateVisit(visit.id, visitChanges(base, values, can.visitNotes), tag);
      return { values: visitToValues(res.value), etag: res.etag };
    },
    [api, visit.id, can.visitNotes],
  );
  const reload = useCallback(async (): Promise<Snapshot<VisitValues>> => {
    const res = await api.getVisit(visit.id);
    return { values: visitToValues(res.value), etag: res.etag };
  }, [api, visit.id]);
  const onSaved = useCallback(() => {
    void qc.invalidateQueries({ queryKey: ["visits", visit.patientId] });
    router.push(patientHref(visit.patientId));
  }, [qc, router, visit.patientId]);
  const form = useVersionedForm<VisitValues>({
    opened: { values: visitToValues(visit), etag },
    labels: visitFieldLabels,
    save,
    reload,
    mapField: apiFieldToVisitField,
    onSaved,
  });
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void form.submit();
      }}
      className="space-y-6"
      aria-labelledby="visit-edit-heading"
    >
      <div>
        <h1 id="visit-edit-heading">Edit visit</h1>
        <PatientLine patientId={visit.patientId} />
      </div>
      {form.conflict ? (
        <ConflictPanel
          theirChanges={form.conflict.theirChanges}
          clashes={form.conflict.clashes}
          saving={form.saving}
          onKeepMine={() => void form.keepMine()}
          onTakeTheirs={form.takeTheirs}
        />
      ) : null}
      {form.formError ? <Alert tone="error" title="Not saved">{form.formError}</Alert> : null}
      <div className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
        <VisitFields values={form.values} errors={form.fieldErrors} withNotes={can.visitNotes} onChange={form.setField} />
      </div>
      <div className="flex gap-3">
        <Button type="submit" variant="primary" disabled={form.saving || form.conflict !== null}>
          {form.saving ? "Saving…" : "Save changes"}
        </Button>
        <ButtonLink href={patientHref(visit.patientId)}>Cancel</ButtonLink>
      </div>
    </form>
  );
}
