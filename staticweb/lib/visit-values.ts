import type { VisitInput } from "./api/client";
import type { Visit, VisitStatus } from "./api/schemas";
import { instantToLocalInput, localInputToInstant } from "./dates";

export const visitFieldLabels = {
  start: "Start",
  end: "End",
  status: "Status",
  reason: "Reason",
  reasonCode: "Reason code",
  notes: "Clinical notes",
} as const;

export type VisitField = keyof typeof visitFieldLabels;
export type VisitValues = Record<VisitField, string>;

export const visitStatusLabels: Record<VisitStatus, string> = {
  planned: "Planned",
  arrived: "Arrived",
  "in-progress": "In progress",
  finished: "Finished",
  cancelled: "Cancelled",
  "entered-in-error": "Entered in error",
};

/** A new visit's form, starting now in the user's time zone. */
export function newVisitValues(now: Date = new Date()): VisitValues {
  return {
    start: instantToLocalInput(now.toISOString()),
    end: "",
    status: "arrived",
    reason: "",
    reasonCode: "",
    notes: "",
  };
}

/** A visit as form values (times in the user's time zone). */
export function visitToValues(v: Visit): VisitValues {
  return {
    start: instantToLocalInput(v.start),
    end: instantToLocalInput(v.end),
    status: v.status,
    reason: v.reason ?? "",
    reasonCode: v.reasonCode ?? "",
    notes: v.notes ?? "",
  };
}

function orNull(s: string): string | null {
  return s.trim() === "" ? null : s;
}

/** Form values as a request body; notes only for roles that may write them. */
export function visitValuesToInput(v: VisitValues, withNotes: boolean): VisitInput {
  const input: VisitInput = {
    start: localInputToInstant(v.start) ?? v.start,
    end: localInputToInstant(v.end),
    status: v.status as VisitStatus,
    reason: orNull(v.reason),
    reasonCode: orNull(v.reasonCode),
  };
  if (withNotes) input.notes = v.notes === "" ? null : v.notes;
  return input;
}

/** Only the changed fields, as a PATCH body. */
export function visitChanges(
  base: VisitValues,
  v: VisitValues,
  withNotes: boolean,
): Partial<VisitInput> {
  const full = visitValuesToInput(v, withNotes);
  const out: Partial<VisitInput> = {};
  for (const f of ["start", "end", "status", "reason", "reasonCode", "notes"] as const) {
    if (f === "notes" && !withNotes) continue;
    if (base[f] !== v[f]) Object.assign(out, { [f]: full[f] });
  }
  return out;
}

/** API error field → visit form field. */
export function apiFieldToVisitField(field: string): VisitField | null {
  return field in visitFieldLabels ? (field as VisitField) : null;
}
