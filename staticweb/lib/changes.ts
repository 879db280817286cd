/** One field that differs between two versions of a form's values. */
export interface FieldChange {
  field: string;
  label: string;
  base: string;
  mine: string;
  theirs: string;
}

/** Flat, displayable form values: field name → text. */
export type FormValues = Readonly<Record<string, string>>;

/** The fields whose values differ between `a` and `b` (keys of either). */
export function changedFields(a: FormValues, b: FormValues): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => (a[k] ?? "") !== (b[k] ?? "")).sort();
}

/**
 * What a 412 means for the user: the fields someone else changed since the form opened
 * (`base` → `theirs`), with what this user typed, and whether both sides touched a field.
 */
export function conflictReport(
  base: FormValues,
  mine: FormValues,
  theirs: FormValues,
  labels: Readonly<Record<string, string>>,
): { theirChanges: FieldChange[]; clashes: string[] } {
  const theirKeys = changedFields(base, theirs);
  const mineKeys = new Set(changedFields(base, mine));
  const theirChanges = theirKeys.map((field) => ({
    field,
    label: labels[field] ?? field,
    base: base[field] ?? "",
    mine: mine[field] ?? "",
    theirs: theirs[field] ?? "",
  }));
  const clashes = theirKeys.filter((k) => mineKeys.has(k) && mine[k] !== theirs[k]);
  return { theirChanges, clashes };
}
