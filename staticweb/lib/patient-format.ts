import type { PatientSummary, Sex } from "./api/schemas";

/** "Family, Given" as the list shows it. */
export function listName(p: Pick<PatientSummary, "givenNames" | "familyName">): string {
  return p.familyName === "" ? p.givenNames : `${p.familyName}, ${p.givenNames}`;
}

/** "Given Family" as a heading shows it. */
export function fullName(p: Pick<PatientSummary, "givenNames" | "familyName">): string {
  return `${p.givenNames} ${p.familyName}`.trim();
}

export const sexLabels: Record<Sex, string> = {
  female: "Female",
  male: "Male",
  other: "Other",
  unknown: "Unknown",
};

/** The patient page of an id: the id travels in the query string (opaque, no PHI). */
export function patientHref(id: string): string {
  return `/patients/view/?id=${encodeURIComponent(id)}`;
}
