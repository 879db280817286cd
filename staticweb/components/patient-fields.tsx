"use client";

import type { ReactElement } from "react";
import { sexValues } from "@/lib/api/schemas";
import { todayLocal } from "@/lib/dates";
import { sexLabels } from "@/lib/patient-format";
import { patientFieldLabels as L, type PatientField, type PatientValues } from "@/lib/patient-values";
import { SelectField, TextField } from "./ui/field";

const sexOptions = sexValues.map((s) => ({ value: s, label: sexLabels[s] }));

/** The inputs of the patient form, shared by "new" and "edit". */
export function PatientFields({
  values,
  errors,
  onChange,
}: {
  values: PatientValues;
  errors: Partial<Record<PatientField, string>>;
  onChange: (field: PatientField, value: string) => void;
}): ReactElement {
  const text = (f: PatientField, extra: Record<string, string | boolean> = {}): ReactElement => (
    <TextField
      label={L[f]}
      name={f}
      value={values[f]}
      error={errors[f]}
      onChange={(e) => onChange(f, e.target.value)}
      {...extra}
    />
  );
  return (
    <div className="space-y-6">
      <fieldset className="grid gap-4 sm:grid-cols-2">
        <legend className="mb-2 text-sm font-semibold text-slate-900">Identity</legend>
        {text("givenNames", { required: true, autoComplete: "off" })}
        {text("familyName", { required: true, autoComplete: "off" })}
        {text("birthDate", { type: "date", required: true, max: todayLocal() })}
        <SelectField
          label={L.sex}
          name="sex"
          value={values.sex}
          options={sexOptions}
          error={errors.sex}
          onChange={(e) => onChange("sex", e.target.value)}
        />
      </fieldset>
      <fieldset className="grid gap-4 sm:grid-cols-2">
        <legend className="mb-2 text-sm font-semibold text-slate-900">Contact</legend>
        {text("phone", { type: "tel", autoComplete: "off" })}
        {text("email", { type: "email", autoComplete: "off" })}
        {text("preferredLanguage", { autoComplete: "off" })}
      </fieldset>
      <fieldset className="grid gap-4 sm:grid-cols-2">
        <legend className="mb-2 text-sm font-semibold text-slate-900">Address</legend>
        {text("addressLine1", { autoComplete: "off" })}
        {text("addressLine2", { autoComplete: "off" })}
        {text("city", { autoComplete: "off" })}
        {text("region", { autoComplete: "off" })}
        {text("postalCode", { autoComplete: "off" })}
        {text("country", { autoComplete: "off" })}
      </fieldset>
      <fieldset className="grid gap-4 sm:grid-cols-2">
        <legend className="mb-2 text-sm font-semibold text-slate-900">Other</legend>
        {text("deceasedDate", { type: "date", max: todayLocal() })}
      </fieldset>
    </div>
  );
}
