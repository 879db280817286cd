"use client";

import { useQuery } from "@tanstack/react-query";
import type { ReactElement } from "react";
import { useApi } from "@/hooks/use-api";
import { describeError } from "@/lib/api/problem";
import { Alert } from "./ui/alert";
import { Loading } from "./ui/loading";

const categories: Readonly<Record<string, string>> = {
  lab_result: "Lab result",
  referral_letter: "Referral letter",
  prescription: "Prescription",
  imaging_report: "Imaging report",
  insurance_or_id_card: "Insurance or ID card",
  consent_form: "Consent form",
  other: "Other",
};

/** A document category in words. */
export function categoryLabel(category: string): string {
  return categories[category] ?? category;
}

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
        <p>{d.classification ? categoryLabel(d.classification.category) : "Not classified"}</p>
        {d.classification && d.classification.evidence.length > 0 ? (
          <ul className="mt-1 list-disc pl-5 text-slate-700">
            {d.classification.evidence.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
        ) : null}
      </div>
      <div>
        <h3 className="font-semibold">Found in the text</h3>
        <p>
          Dates: {d.dates.length > 0 ? d.dates.map((x) => x.date).join(", ") : "none"} · MRNs:{" "}
          {d.mrns.length > 0 ? d.mrns.join(", ") : "none"}
        </p>
      </div>
      <div>
        <h3 className="font-semibold">Metadata</h3>
        <dl className="mt-1 grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1">
          {[
            ["Detected type", d.detectedType ?? d.mediaType],
            ["Size", d.sizeBytes === null ? null : `${d.sizeBytes} bytes`],
            ["SHA-256", d.sha256],
            ["Text source", d.textSource],
          ].map(([k, v]) => (
            <div key={k} className="contents">
              <dt className="text-slate-600">{k}</dt>
              <dd className="break-all">{v ?? "—"}</dd>
            </div>
          ))}
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
