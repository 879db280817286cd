"use client";

import { useQuery } from "@tanstack/react-query";
import { useState, type ReactElement, type SyntheticEvent } from "react";
import { useApi } from "@/hooks/use-api";
import type { ImportCreate } from "@/lib/api/client";
import { describeError } from "@/lib/api/problem";
import type { ImportJob, ImportKind, ImportMapping, ImportRole } from "@/lib/api/schemas";
import { putBlob, UploadError } from "@/lib/api/upload";
import { Require } from "./require";
import { Alert } from "./ui/alert";
import { Badge } from "./ui/badge";
import { Button } from "./ui/button";
import { Card } from "./ui/card";
import { SelectField, TextField } from "./ui/field";
import { ProgressBar } from "./ui/progress-bar";
import { Table, Td } from "./ui/table";

const kinds: readonly { value: ImportKind; label: string }[] = [
  { value: "synthea_csv", label: "Synthea CSV (patients.csv and encounters.csv)" },
  { value: "patient_csv", label: "Patient CSV (choose the columns)" },
  { value: "fhir_bundle", label: "FHIR R4 Bundle (JSON)" },
];

const mappingFields = ["sourceId", "givenNames", "familyName", "birthDate", "sex"] as const;
const mappingLabels: Record<(typeof mappingFields)[number], string> = {
  sourceId: "Column with the old system's id",
  givenNames: "Column with given names",
  familyName: "Column with family name",
  birthDate: "Column with birth date",
  sex: "Column with sex",
};

/** Which part of an import a file plays, from its kind and name. */
export function roleOf(kind: ImportKind, fileName: string): ImportRole {
  if (kind === "fhir_bundle") return "bundle";
  return kind === "synthea_csv" && /encounter/i.test(fileName) ? "encounters" : "patients";
}

function contentTypeOf(file: File): string {
  if (file.type !== "") return file.type;
  return file.name.toLowerCase().endsWith(".json") ? "application/json" : "text/csv";
}

function JobStatus({ job }: { job: ImportJob }): ReactElement {
  const tone = job.status === "failed" ? "bad" : job.status === "succeeded" ? "good" : "busy";
  return <Badge tone={tone} label={job.status} />;
}

function Rejections({ jobId }: { jobId: string }): ReactElement | null {
  const api = useApi();
  const report = useQuery({ queryKey: ["import", jobId, "rejections"], queryFn: () => api.importRejections(jobId, null) });
  if (!report.data || report.data.items.length === 0) return null;
  return (
    <>
    <p>
      <a href={api.importReportHref(jobId)} download>
        Download the full report (CSV)
      </a>
      {report.data.nextCursor !== null ? " — the table shows the first rows only." : null}
    </p>
    <Table caption="Rejected and warned rows" showCaption head={["File", "Line or entry", "Severity", "Problem", "Field"]}>
      {report.data.items.map((r, i) => (
        <tr key={`${r.file}-${r.line ?? r.entry ?? i}-${r.code}`}>
          <Td>
            {r.file + 1} ({r.role})
          </Td>
          <Td className="tabular-nums">{r.line !== null ? `line ${r.line}` : r.entry !== null ? `entry ${r.entry}` : "—"}</Td>
          <Td>{r.severity === "rejected" ? <Badge tone="bad" label="Rejected" /> : <Badge tone="warn" label="Warning" />}</Td>
          <Td>{r.code.replaceAll("_", " ")}</Td>
          <Td>{r.field ?? "—"}</Td>
        </tr>
      ))}
    </Table>
    </>
  );
}

function JobProgress({ jobId }: { jobId: string }): ReactElement {
  const api = useApi();
  const job = useQuery({
    queryKey: ["import", jobId],
    queryFn: () => api.getImport(jobId),
    refetchInterval: (q) => {
      const st = q.state.data?.status;
      return st === "succeeded" || st === "failed" ? false : 2000;
    },
  });
  if (job.isError) return <Alert tone="error" title="Could not read the import">{describeError(job.error)}</Alert>;
  if (!job.data) return <p className="text-sm text-slate-700">Waiting for the import…</p>;
  const j = job.data;
  const p = j.progress;
  const done = j.status === "succeeded" || j.status === "failed";
  return (
    <div className="space-y-3 text-sm">
      <p className="flex flex-wrap items-center gap-2">
        <JobStatus job={j} />
        <span className="tabular-nums">
          {p.rowsRead} rows read · {p.rowsLoaded} loaded · {p.rowsRejected} rejected · {p.rowsWarned} with warnings
        </span>
      </p>
      <p className="tabular-nums text-slate-700">
        Patients: {p.patientsCreated} new, {p.patientsMatched} matched · Visits: {p.visitsCreated} new,{" "}
        {p.visitsMatched} matched
      </p>
      {j.errorCode ? <Alert tone="error" title="The import stopped">{j.errorCode.replaceAll("_", " ")}</Alert> : null}
      {!done ? <progress aria-label="Import in progress" className="w-full" /> : null}
      {done ? <Rejections jobId={j.id} /> : null}
    </div>
  );
}

interface Upload {
  name: string;
  progress: number;
}

/** Imports (admin): pick the files, upload each with a progress bar, watch the load, see rejections. */
export function ImportsAdmin(): ReactElement {
  return (
    <Require capability="imports">
      <ImportsInner />
    </Require>
  );
}

function ImportsInner(): ReactElement {
  const api = useApi();
  const [kind, setKind] = useState<ImportKind>("synthea_csv");
  const [files, setFiles] = useState<File[]>([]);
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [jobs, setJobs] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [unavailable, setUnavailable] = useState(false);
  const [busy, setBusy] = useState(false);

  const uploadAll = async (): Promise<ImportCreate["files"] | null> => {
    const out: ImportCreate["files"] = [];
    setUploads(files.map((f) => ({ name: f.name, progress: 0 })));
    for (const [i, file] of files.entries()) {
      const up = await api.createImportUpload({ fileName: file.name, contentType: contentTypeOf(file), size: file.size });
      if (up === null) {
        setUnavailable(true);
        return null;
      }
      const headers = { ...up.uploadHeaders, "Content-Type": contentTypeOf(file) };
      await putBlob(up.uploadUrl, file, headers, (p) =>
        setUploads((us) => us.map((u, j) => (j === i ? { ...u, progress: p } : u))),
      ).done;
      out.push({ uploadId: up.uploadId, role: roleOf(kind, file.name) });
    }
    return out;
  };

  const onSubmit = async (e: SyntheticEvent): Promise<void> => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const uploaded = await uploadAll();
      if (uploaded === null) return;
      const body: ImportCreate = { kind, files: uploaded };
      if (kind === "patient_csv") body.mapping = mapping as unknown as ImportMapping;
      const job = await api.createImport(body);
      setJobs((js) => [job.id, ...js]);
      setFiles([]);
    } catch (err) {
      setError(err instanceof UploadError ? err.message : describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="space-y-6">
      <h1>Imports</h1>
      {unavailable ? (
        <Alert tone="info" title="Imports are not available on this server yet" />
      ) : (
        <Card title="Import a clinic's data">
          <form onSubmit={(e) => void onSubmit(e)} className="space-y-4" aria-label="Import files">
            <div className="grid gap-4 md:grid-cols-2">
              <SelectField label="Format" value={kind} options={kinds} onChange={(e) => setKind(e.target.value as ImportKind)} />
              <div>
                <label htmlFor="import-files" className="block text-sm font-medium text-slate-800">
                  Files
                </label>
                <input
                  id="import-files"
                  type="file"
                  multiple
                  accept=".csv,.json,text/csv,application/json,application/fhir+json"
                  className="mt-1 block w-full text-sm file:mr-3 file:rounded-md file:border file:border-slate-300 file:bg-white file:px-3 file:py-2"
                  onChange={(e) => setFiles([...(e.target.files ?? [])])}
                />
              </div>
            </div>
            {kind === "patient_csv" ? (
              <fieldset className="grid gap-4 md:grid-cols-3">
                <legend className="mb-2 text-sm font-semibold">Which column holds what</legend>
                {mappingFields.map((f) => (
                  <TextField
                    key={f}
                    label={mappingLabels[f]}
                    value={mapping[f] ?? ""}
                    autoComplete="off"
                    onChange={(e) => setMapping((m) => ({ ...m, [f]: e.target.value }))}
                  />
                ))}
              </fieldset>
            ) : null}
            {files.length > 0 ? (
              <ul className="text-sm text-slate-700">
                {files.map((f) => (
                  <li key={f.name}>
                    {f.name} — {roleOf(kind, f.name)}
                  </li>
                ))}
              </ul>
            ) : null}
            <Button type="submit" variant="primary" disabled={files.length === 0 || busy}>
              {busy ? "Importing…" : "Start import"}
            </Button>
          </form>
          {uploads.length > 0 ? (
            <ul aria-label="Uploads" className="mt-4 space-y-2">
              {uploads.map((u) => (
                <li key={u.name} className="text-sm">
                  <span className="font-medium">{u.name}</span>
                  <ProgressBar label={`Uploading ${u.name}`} value={u.progress} />
                </li>
              ))}
            </ul>
          ) : null}
          {error ? (
            <div className="mt-4">
              <Alert tone="error" title="Import not started">
                {error}
              </Alert>
            </div>
          ) : null}
        </Card>
      )}
      {jobs.map((id) => (
        <Card key={id} title="Import job">
          <JobProgress jobId={id} />
        </Card>
      ))}
    </div>
  );
}
