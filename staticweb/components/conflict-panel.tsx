"use client";

import { useEffect, useRef, type ReactElement } from "react";
import type { FieldChange } from "@/lib/changes";
import { Button } from "./ui/button";

function show(v: string): string {
  return v === "" ? "(empty)" : v;
}

/**
 * Shown after a 412: what someone else changed since this form was opened, next to what this
 * user typed, and the two ways out. Focus moves here so keyboard and screen-reader users
 * meet it at once.
 */
export function ConflictPanel({
  theirChanges,
  clashes,
  saving,
  onKeepMine,
  onTakeTheirs,
}: {
  theirChanges: readonly FieldChange[];
  clashes: readonly string[];
  saving: boolean;
  onKeepMine: () => void;
  onTakeTheirs: () => void;
}): ReactElement {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, []);
  const clash = new Set(clashes);
  return (
    <section
      aria-labelledby="conflict-heading"
      className="rounded-lg border-2 border-amber-600 bg-amber-50 p-5"
    >
      <h2 id="conflict-heading" ref={heading} tabIndex={-1} className="text-lg font-semibold">
        <span aria-hidden="true">! </span>Someone else saved this record while you were editing
      </h2>
      <p className="mt-1 text-sm text-slate-800">
        Nothing of yours has been saved yet. Compare the changes, then keep yours or take the
        current version.
      </p>
      {theirChanges.length === 0 ? (
        <p className="mt-3 text-sm">The other change did not touch the fields of this form.</p>
      ) : (
        <div className="mt-4 overflow-x-auto">
          <table className="w-full border-collapse bg-white text-left text-sm">
            <caption className="sr-only">Changes since you opened the form</caption>
            <thead>
              <tr className="border-b border-slate-300 text-xs uppercase text-slate-600">
                <th scope="col" className="px-3 py-2">Field</th>
                <th scope="col" className="px-3 py-2">When you opened it</th>
                <th scope="col" className="px-3 py-2">Current (saved by someone else)</th>
                <th scope="col" className="px-3 py-2">Yours</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-200">
              {theirChanges.map((c) => (
                <tr key={c.field}>
                  <th scope="row" className="px-3 py-2 font-medium">
                    {c.label}
                    {clash.has(c.field) ? (
                      <span className="ml-2 rounded bg-amber-200 px-1.5 text-xs">both changed</span>
                    ) : null}
                  </th>
                  <td className="px-3 py-2 text-slate-600 line-through">{show(c.base)}</td>
                  <td className="px-3 py-2 font-medium">{show(c.theirs)}</td>
                  <td className="px-3 py-2">{show(c.mine)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="mt-4 flex flex-wrap gap-3">
        <Button variant="primary" onClick={onKeepMine} disabled={saving}>
          Keep my changes and save
        </Button>
        <Button onClick={onTakeTheirs} disabled={saving}>
          Discard mine and use the current version
        </Button>
      </div>
    </section>
  );
}
