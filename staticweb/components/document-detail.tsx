"use client";

import { useQuery } from "@tanstack/react-query";
import type { ReactElement } from "react";
import { useApi } from "@/hooks/use-api";
import { describeError } from "@/lib/api/problem";
import { Alert } from "./ui/alert";
import { Loading } from "./ui/loading";

function show(v: unknown): string {
  if (v === null || v === undefined) return "—";
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v);
}

/** Metadata, classification with its evidence, warnings and extracted text of one document. */
export function DocumentDetailPanel({ id }: { id: string }): ReactElement {
  const api = useApi();
  const doc = useQuery({ queryKey: ["document", id], queryFn: () => api.getDocument(id) });
  if (doc.isPending) return <Loading label="Loading document details…" />;
  if (doc.isError) return <Alert tone="error" title="Could not load details">{describeError(doc.error)}</Alert>;
  const d = doc.data;
  return (
    <div className="space-y-4 rounded-md bg-slate-50 p-4 text-sm">
      {d.warnings.length > 0 ? (
        <Alert tone="warning" title="Warnings">
          <ul className="list-disc pl-5">
            {d.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </Alert>
      ) : null}
      <div>
        <h3 className="font-semibold">Classification</h3>
        <p>{d.classification ?? "Not classified"}</p>
        {d.classificationEvidence.length > 0 ? (
          <ul className="mt-1 list-disc pl-5 text-slate-700">
            {d.classificationEvidence.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
        ) : null}
      </div>
      <div>
        <h3 className="font-semibold">Metadata</h3>
        <dl className="mt-1 grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1">
          {Object.entries(d.metadata).map(([k, v]) => (
            <div key={k} className="contents">
              <dt className="text-slate-600">{k}</dt>
              <dd className="break-words">{show(v)}</dd>
            </div>
          ))}
        </dl>
      </div>
      <div>
        <h3 className="font-semibold">Extracted text</h3>
        {d.text ? (
          <pre className="mt-1 max-h-64 overflow-auto whitespace-pre-wrap rounded border border-slate-200 bg-white p-3 font-sans">
            {d.text}
          </pre>
        ) : (
          <p className="text-slate-700">No text.</p>
        )}
      </div>
    </div>
  );
}
