"use client";

import type { ReactElement } from "react";
import { visitStatusValues } from "@/lib/api/schemas";
import {
  visitFieldLabels as L,
  visitStatusLabels,
  type VisitField,
  type VisitValues,
} from "@/lib/visit-values";
import { SelectField, TextAreaField, TextField } from "./ui/field";

const statusOptions = visitStatusValues.map((s) => ({ value: s, label: visitStatusLabels[s] }));

/** The inputs of the visit form; notes only for roles that may read and write them. */
export function VisitFields({
  values,
  errors,
  withNotes,
  onChange,
}: {
  values: VisitValues;
  errors: Partial<Record<VisitField, string>>;
  withNotes: boolean;
  onChange: (field: VisitField, value: string) => void;
}): ReactElement {
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <TextField
        label={L.start}
        type="datetime-local"
        name="start"
        required
        value={values.start}
        error={errors.start}
        hint="Your local time"
        onChange={(e) => onChange("start", e.target.value)}
      />
      <TextField
        label={L.end}
        type="datetime-local"
        name="end"
        value={values.end}
        error={errors.end}
        hint="Optional"
        onChange={(e) => onChange("end", e.target.value)}
      />
      <SelectField
        label={L.status}
        name="status"
        value={values.status}
        options={statusOptions}
        error={errors.status}
        onChange={(e) => onChange("status", e.target.value)}
      />
      <TextField
        label={L.reason}
        name="reason"
        value={values.reason}
        error={errors.reason}
        autoComplete="off"
        onChange={(e) => onChange("reason", e.target.value)}
      />
      <TextField
        label={L.reasonCode}
        name="reasonCode"
        value={values.reasonCode}
        error={errors.reasonCode}
        autoComplete="off"
        hint="Optional, e.g. a SNOMED CT code"
        onChange={(e) => onChange("reasonCode", e.target.value)}
      />
      {withNotes ? (
        <div className="sm:col-span-2">
          <TextAreaField
            label={L.notes}
            name="notes"
            value={values.notes}
            error={errors.notes}
            onChange={(e) => onChange("notes", e.target.value)}
          />
        </div>
      ) : null}
    </div>
  );
}
