"use client";

import { useCallback, useState } from "react";
import { ApiError, describeError, normaliseField } from "@/lib/api/problem";
import { conflictReport, type FieldChange } from "@/lib/changes";

/** Values of a form at one version of the record. */
export interface Snapshot<V> {
  values: V;
  etag: string;
}

/** What the form shows after a 412. */
export interface Conflict<V> {
  theirs: Snapshot<V>;
  theirChanges: FieldChange[];
  clashes: string[];
}

export interface VersionedFormOptions<V extends Record<string, string>> {
  opened: Snapshot<V>;
  labels: Readonly<Record<string, string>>;
  /** Sends what changed between `base` and `values` with If-Match `etag`. */
  save: (base: V, values: V, etag: string) => Promise<Snapshot<V>>;
  /** Reads the record as it is now (after a 412). */
  reload: () => Promise<Snapshot<V>>;
  /** Maps an API error field to a form field. */
  mapField: (apiField: string) => keyof V | null;
  onSaved: (saved: Snapshot<V>) => void;
}

export interface VersionedForm<V> {
  values: V;
  setField: (field: keyof V, value: string) => void;
  dirty: boolean;
  saving: boolean;
  fieldErrors: Partial<Record<keyof V, string>>;
  formError: string | null;
  conflict: Conflict<V> | null;
  submit: () => Promise<void>;
  keepMine: () => Promise<void>;
  takeTheirs: () => void;
}

/**
 * An edit form over a versioned record: saves with If-Match, maps problem details to fields,
 * and on 412 loads the current version and lets the user keep their changes (re-sent with the
 * new ETag, on top of the other person's changes to other fields) or take the current one.
 * Nothing is ever overwritten silently.
 */
export function useVersionedForm<V extends Record<string, string>>(
  opts: VersionedFormOptions<V>,
): VersionedForm<V> {
  const { save, reload, mapField, onSaved, labels } = opts;
  const [base, setBase] = useState<Snapshot<V>>(opts.opened);
  const [values, setValues] = useState<V>(opts.opened.values);
  const [saving, setSaving] = useState(false);
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<keyof V, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [conflict, setConflict] = useState<Conflict<V> | null>(null);

  const setField = useCallback((field: keyof V, value: string) => {
    setValues((v) => ({ ...v, [field]: value }));
    setFieldErrors((e) => ({ ...e, [field]: undefined }));
  }, []);

  const send = useCallback(
    async (from: Snapshot<V>, mine: V): Promise<void> => {
      setSaving(true);
      setFormError(null);
      setFieldErrors({});
      try {
        const saved = await save(from.values, mine, from.etag);
        setBase(saved);
        setValues(saved.values);
        setConflict(null);
        onSaved(saved);
      } catch (err) {
        if (err instanceof ApiError && err.status === 412) {
          const theirs = await reload();
          const report = conflictReport(from.values, mine, theirs.values, labels);
          setConflict({ theirs, ...report });
        } else {
          setFieldErrors(toFormErrors(err, mapField));
          setFormError(describeError(err));
        }
      } finally {
        setSaving(false);
      }
    },
    [save, reload, labels, mapField, onSaved],
  );

  const submit = useCallback(() => send(base, values), [send, base, values]);

  const keepMine = useCallback(async (): Promise<void> => {
    if (conflict === null) return;
    const merged = { ...conflict.theirs.values };
    for (const k of Object.keys(values) as (keyof V)[]) {
      if (values[k] !== base.values[k]) merged[k] = values[k];
    }
    setBase(conflict.theirs);
    setValues(merged);
    await send(conflict.theirs, merged);
  }, [conflict, values, base, send]);

  const takeTheirs = useCallback(() => {
    if (conflict === null) return;
    setBase(conflict.theirs);
    setValues(conflict.theirs.values);
    setConflict(null);
    setFormError(null);
  }, [conflict]);

  const dirty = (Object.keys(values) as (keyof V)[]).some((k) => values[k] !== base.values[k]);
  return {
    values,
    setField,
    dirty,
    saving,
    fieldErrors,
    formError,
    conflict,
    submit,
    keepMine,
    takeTheirs,
  };
}

/** Problem-details field errors keyed by form field; unknown fields are dropped here. */
export function toFormErrors<K extends PropertyKey>(
  err: unknown,
  mapField: (apiField: string) => K | null,
): Partial<Record<K, string>> {
  if (!(err instanceof ApiError)) return {};
  const out: Partial<Record<K, string>> = {};
  for (const [field, message] of Object.entries(err.fieldErrors)) {
    const key = mapField(normaliseField(field));
    if (key !== null && out[key] === undefined) out[key] = message;
  }
  return out;
}
