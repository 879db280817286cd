"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useCallback, type ReactElement } from "react";
import { useApi } from "@/hooks/use-api";
import { useQueryId } from "@/hooks/use-query-id";
import { useVersionedForm, type Snapshot } from "@/hooks/use-versioned-form";
import type { Patient } from "@/lib/api/schemas";
import { describeError } from "@/lib/api/problem";
import { fullName, patientHref } from "@/lib/patient-format";
import {
  apiFieldToFormField,
  patientFieldLabels,
  patientToValues,
  valuesToChanges,
  type PatientValues,
} from "@/lib/patient-values";
import { ConflictPanel } from "./conflict-panel";
import { PatientFields } from "./patient-fields";
import { Require } from "./require";
import { Alert } from "./ui/alert";
import { Button, ButtonLink } from "./ui/button";
import { Loading } from "./ui/loading";

/** The edit-patient screen at `/patients/edit/?id=`. */
export function PatientEdit(): ReactElement {
  const api = useApi();
  const id = useQueryId();
  const patient = useQuery({
    queryKey: ["patient", id],
    queryFn: () => api.getPatient(id ?? ""),
    enabled: id !== null,
    staleTime: 0,
  });
  if (id === null) return <Alert tone="error" title="No patient selected" />;
  if (patient.isPending) return <Loading />;
  if (patient.isError) {
    return <Alert tone="error" title="Could not load the patient">{describeError(patient.error)}</Alert>;
  }
  return (
    <Require capability="editPatients">
      <PatientEditForm id={id} opened={patient.data.value} etag={patient.data.etag} />
    </Require>
  );
}

function PatientEditForm({
  id,
  opened,
  etag,
}: {
  id: string;
  opened: Patient;
  etag: string;
}): ReactElement {
  const api = useApi();
  const router = useRouter();
  const qc = useQueryClient();
  const save = useCallback(
    async (base: PatientValues, values: PatientValues, tag: string): Promise<Snapshot<PatientValues>> => {
      const res = await api.updatePatient(id, valuesToChanges(base, values), tag);
      qc.setQueryData(["patient", id], res);
      return { values: patientToValues(res.value), etag: res.etag };
    },
    [api, id, qc],
  );
  const reload = useCallback(async (): Promise<Snapshot<PatientValues>> => {
    const res = await api.getPatient(id);
    qc.setQueryData(["patient", id], res);
    return { values: patientToValues(res.value), etag: res.etag };
  }, [api, id, qc]);
  const onSaved = useCallback(() => {
    void qc.invalidateQueries({ queryKey: ["patients"] });
    router.push(patientHref(id));
  }, [qc, router, id]);
  const form = useVersionedForm<PatientValues>({
    opened: { values: patientToValues(opened), etag },
    labels: patientFieldLabels,
    save,
    reload,
    mapField: apiFieldToFormField,
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
      aria-labelledby="edit-heading"
    >
      <div>
        <h1 id="edit-heading">Edit patient</h1>
        <p className="mt-1 text-sm text-slate-700">
          {fullName(opened)} · MRN <span className="font-mono">{opened.mrn}</span>
        </p>
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
        <PatientFields values={form.values} errors={form.fieldErrors} onChange={form.setField} />
      </div>
      <div className="flex gap-3">
        <Button type="submit" variant="primary" disabled={form.saving || form.conflict !== null}>
          {form.saving ? "Saving…" : "Save changes"}
        </Button>
        <ButtonLink href={patientHref(id)}>Cancel</ButtonLink>
      </div>
    </form>
  );
}
