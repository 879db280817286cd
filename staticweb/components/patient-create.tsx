"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type SyntheticEvent, type ReactElement } from "react";
import { useApi } from "@/hooks/use-api";
import { toFormErrors } from "@/hooks/use-versioned-form";
import { describeError } from "@/lib/api/problem";
import type { CreatedPatient } from "@/lib/api/schemas";
import { patientHref } from "@/lib/patient-format";
import {
  apiFieldToFormField,
  emptyPatientValues,
  valuesToInput,
  type PatientField,
  type PatientValues,
} from "@/lib/patient-values";
import { PatientFields } from "./patient-fields";
import { Require } from "./require";
import { Alert } from "./ui/alert";
import { Button, ButtonLink } from "./ui/button";

/** The "new patient" form. One idempotency key per opened form: a retried submit creates one. */
export function PatientCreate(): ReactElement {
  return (
    <Require capability="editPatients">
      <PatientCreateForm />
    </Require>
  );
}

function PatientCreateForm(): ReactElement {
  const api = useApi();
  const router = useRouter();
  const [key] = useState(() => crypto.randomUUID());
  const [values, setValues] = useState<PatientValues>(emptyPatientValues);
  const [errors, setErrors] = useState<Partial<Record<PatientField, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [created, setCreated] = useState<CreatedPatient | null>(null);

  const onSubmit = async (e: SyntheticEvent): Promise<void> => {
    e.preventDefault();
    setSaving(true);
    setFormError(null);
    try {
      const res = await api.createPatient(valuesToInput(values), key);
      if (res.value.possibleDuplicates.length > 0) setCreated(res.value);
      else router.push(patientHref(res.value.id));
    } catch (err) {
      setErrors(toFormErrors(err, apiFieldToFormField));
      setFormError(describeError(err));
    } finally {
      setSaving(false);
    }
  };

  if (created) {
    return (
      <div className="space-y-4">
        <h1>Patient created</h1>
        <Alert tone="warning" title="Possible duplicates">
          <p>These existing records look similar. Check them before going on:</p>
          <ul className="mt-2 list-disc pl-5">
            {created.possibleDuplicates.map((d) => (
              <li key={d.id}>
                <Link href={patientHref(d.id)}>MRN {d.mrn}</Link>
              </li>
            ))}
          </ul>
        </Alert>
        <ButtonLink href={patientHref(created.id)} variant="primary">
          Open the new patient (MRN {created.mrn})
        </ButtonLink>
      </div>
    );
  }

  return (
    <form noValidate onSubmit={(e) => void onSubmit(e)} className="space-y-6" aria-labelledby="new-heading">
      <h1 id="new-heading">New patient</h1>
      {formError ? <Alert tone="error" title="Not saved">{formError}</Alert> : null}
      <div className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
        <PatientFields
          values={values}
          errors={errors}
          onChange={(f, v) => {
            setValues((old) => ({ ...old, [f]: v }));
            setErrors((old) => ({ ...old, [f]: undefined }));
          }}
        />
      </div>
      <div className="flex gap-3">
        <Button type="submit" variant="primary" disabled={saving}>
          {saving ? "Saving…" : "Create patient"}
        </Button>
        <ButtonLink href="/">Cancel</ButtonLink>
      </div>
    </form>
  );
}
