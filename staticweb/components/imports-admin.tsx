"use client";

import { useQuery } from "@tanstack/react-query";
import { useState, type SyntheticEvent, type ReactElement } from "react";
import { useApi } from "@/hooks/use-api";
import type { ImportFormat } from "@/lib/api/client";
import { describeError } from "@/lib/api/problem";
import { putBlob, UploadError } from "@/lib/api/upload";
import { Require } from "./require";
import { Alert } from "./ui/alert";
import { Badge } from "./ui/badge";
import { Button } from "./ui/button";
import { Card } from "./ui/card";
import { SelectField } from "./ui/field";
import { ProgressBar } from "./ui/progress-bar";
import { Table, Td } from "./ui/table";

const formats: readonly { value: ImportFormat; label: string }[] = [
  { value: "synthea-csv", label: "Synthea CSV (patients.csv, encounters.csv)" },
  { value: "patient-csv", label: "Patient CSV" },
  { value: "fhir-bundle", label: "FHIR R4 Bundle (JSON)" },
];

interface Started {
  jobId: string;
  fileName: string;
  progress: number;
}

function ImportProgress({ jobId }: { jobId: string }): ReactElement {
  const api = useApi();
  const job = useQuery({
    queryKey: ["import", jobId],
    queryFn: () => api.getImport(jobId),
    refetchInterval: (q) => {
      const s = q.state.data?.status;
      return s === "completed" || s === "failed" ? false : 2000;
    },
  });
  if (job.isError) return <Alert tone="error" title="Could not read the import">{describeError(job.error)}</Alert>;
  if (!job.data) return <p className="text-sm text-slate-700">Waiting for the import to start…</p>;
  const j = job.data;
  const done = j.status === "completed" || j.status === "failed";
  return (
    <div className="space-y-3 text-sm">
      <p className="flex items-center gap-2">
        <Badge tone={j.status === "failed" ? "bad" : done ? "good" : "busy"} label={j.status} />
        <span className="tabular-nums">
          {j.rowsRead} rows read · {j.rowsLoaded} loaded · {j.rowsRejected} rejected
        </span>
      </p>
      {!done ? <progress aria-label="Import in progress" className="w-full" /> : null}
      {j.rejections.length > 0 ? (
        <Table caption="Rejected rows" showCaption head={["Line", "Reason"]}>
          {j.rejections.map((r) => (
            <tr key={`${r.line}-${r.reason}`}>
              <Td className="tabular-nums">{r.line}</Td>
              <Td>{r.reason}</Td>
            </tr>
          ))}
        </Table>
      ) : null}
    </div>
  );
}

/** Imports (admin): pick files, upload each with a progress bar, watch them load. */
export function ImportsAdmin(): ReactElement {
  return (
    <Require capability="imports">
      <ImportsInner />
    </Require>
  );
}

function ImportsInner(): ReactElement {
  const api = useApi();
  const [format, setFormat] = useState<ImportFormat>("synthea-csv");
  const [files, setFiles] = useState<File[]>([]);
  const [started, setStarted] = useState<Started[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [unavailable, setUnavailable] = useState(false);

  const onSubmit = async (e: SyntheticEvent): Promise<void> => {
    e.preventDefault();
    setError(null);
    for (const file of files) {
      try {
        const job = await api.createImport({ name: file.name, contentType: file.type || "text/csv", size: file.size, format });
        if (job === null) {
          setUnavailable(true);
          return;
        }
        setStarted((s) => [...s, { jobId: job.id, fileName: file.name, progress: 0 }]);
        if (job.uploadUrl !== null) {
          await putBlob(job.uploadUrl, file, (p) =>
            setStarted((s) => s.map((x) => (x.jobId === job.id ? { ...x, progress: p } : x))),
          ).done;
        }
      } catch (err) {
        setError(err instanceof UploadError ? err.message : describeError(err));
      }
    }
    setFiles([]);
  };

  return (
    <div className="space-y-6">
      <h1>Imports</h1>
      {unavailable ? (
        <Alert tone="info" title="Imports are not available on this server yet" />
      ) : (
        <Card title="Import a clinic's data">
          <form onSubmit={(e) => void onSubmit(e)} className="grid items-end gap-4 md:grid-cols-[1fr_1fr_auto]" aria-label="Import files">
            <SelectField label="Format" value={format} options={formats} onChange={(e) => setFormat(e.target.value as ImportFormat)} />
            <div>
              <label htmlFor="import-files" className="block text-sm font-medium text-slate-800">
                Files
              </label>
              <input
                id="import-files"
                type="file"
                multiple
                accept=".csv,.json,.ndjson,text/csv,application/json"
                className="mt-1 block w-full text-sm file:mr-3 file:rounded-md file:border file:border-slate-300 file:bg-white file:px-3 file:py-2"
                onChange={(e) => setFiles([...(e.target.files ?? [])])}
              />
            </div>
            <Button type="submit" variant="primary" disabled={files.length === 0}>
              Start import
            </Button>
          </form>
          {error ? <div className="mt-4"><Alert tone="error" title="Import not started">{error}</Alert></div> : null}
        </Card>
      )}
      {started.map((s) => (
        <Card key={s.jobId} title={s.fileName}>
          <ProgressBar label={`Uploading ${s.fileName}`} value={s.progress} />
          <div className="mt-3">
            <ImportProgress jobId={s.jobId} />
          </div>
        </Card>
      ))}
    </div>
  );
}
