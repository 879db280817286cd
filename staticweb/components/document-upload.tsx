"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useRef, useState, type DragEvent, type ReactElement } from "react";
import { useApi } from "@/hooks/use-api";
import { describeError } from "@/lib/api/problem";
import type { AppConfig } from "@/lib/api/schemas";
import { checkFile, declaredType, formatBytes, putBlob, UploadError } from "@/lib/api/upload";
import { Badge } from "./ui/badge";
import { ProgressBar } from "./ui/progress-bar";

type Phase = "refused" | "uploading" | "uploaded" | "failed";

interface Row {
  key: string;
  name: string;
  size: number;
  phase: Phase;
  progress: number;
  message: string | null;
}

/** Drag-and-drop or picked files, checked against `/api/config`, sent straight to storage. */
export function DocumentUpload({ patientId }: { patientId: string }): ReactElement | null {
  const api = useApi();
  const config = useQuery({ queryKey: ["config"], queryFn: () => api.config(), staleTime: Infinity });
  if (config.isPending) return null;
  if (config.isError || config.data === null) {
    return <p className="text-sm text-slate-700">Uploads are not available on this server yet.</p>;
  }
  return <UploadArea patientId={patientId} limits={config.data} />;
}

function UploadArea({ patientId, limits }: { patientId: string; limits: AppConfig }): ReactElement {
  const api = useApi();
  const qc = useQueryClient();
  const input = useRef<HTMLInputElement>(null);
  const [rows, setRows] = useState<Row[]>([]);
  const [over, setOver] = useState(false);

  const patch = useCallback((key: string, change: Partial<Row>) => {
    setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...change } : r)));
  }, []);

  const uploadOne = useCallback(
    async (file: File, key: string): Promise<void> => {
      try {
        const contentType = declaredType(file, limits) ?? file.type;
        const intent = await api.createUpload(patientId, {
          fileName: file.name,
          contentType,
          size: file.size,
        });
        await qc.invalidateQueries({ queryKey: ["documents", patientId] });
        const headers = { ...limits.uploadHeaders, ...intent.uploadHeaders, "Content-Type": contentType };
        await putBlob(intent.uploadUrl, file, headers, (p) => patch(key, { progress: p })).done;
        patch(key, { phase: "uploaded", progress: 1 });
        await qc.invalidateQueries({ queryKey: ["documents", patientId] });
      } catch (err) {
        const message = err instanceof UploadError ? err.message : describeError(err);
        patch(key, { phase: "failed", message });
      }
    },
    [api, patientId, patch, qc, limits],
  );

  const addFiles = useCallback(
    (files: readonly File[]) => {
      const added: Row[] = files.map((f) => {
        const refusal = checkFile(f, limits);
        return {
          key: crypto.randomUUID(),
          name: f.name,
          size: f.size,
          phase: refusal ? "refused" : "uploading",
          progress: 0,
          message: refusal,
        };
      });
      setRows((rs) => [...added, ...rs]);
      added.forEach((row, i) => {
        const file = files[i];
        if (row.phase === "uploading" && file) void uploadOne(file, row.key);
      });
    },
    [limits, uploadOne],
  );

  const onDrop = (e: DragEvent): void => {
    e.preventDefault();
    setOver(false);
    addFiles([...e.dataTransfer.files]);
  };

  return (
    <div>
      <div
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
        className={`flex flex-col items-center gap-2 rounded-lg border-2 border-dashed px-4 py-6 text-center text-sm ${
          over ? "border-brand-700 bg-brand-50" : "border-slate-300 bg-slate-50"
        }`}
      >
        <p className="text-slate-800">Drop files here, or</p>
        <label className="cursor-pointer rounded-md border border-slate-300 bg-white px-3.5 py-2 font-medium text-slate-800 shadow-sm focus-within:outline-3 focus-within:outline-brand-700 hover:bg-slate-100">
          Choose files to upload
          <input
            ref={input}
            type="file"
            multiple
            accept={[...limits.allowedTypes, ...limits.allowedExtensions].join(",")}
            className="sr-only"
            onChange={(e) => {
              addFiles([...(e.target.files ?? [])]);
              e.target.value = "";
            }}
          />
        </label>
        <p className="text-xs text-slate-600">Up to {formatBytes(limits.maxUploadBytes)} each.</p>
      </div>
      {rows.length > 0 ? (
        <ul aria-label="Uploads" className="mt-3 space-y-2">
          {rows.map((r) => (
            <li key={r.key} className="rounded-md border border-slate-200 px-3 py-2 text-sm">
              <div className="flex items-center justify-between gap-3">
                <span className="break-all font-medium">{r.name}</span>
                <span className="text-xs text-slate-600">{formatBytes(r.size)}</span>
              </div>
              {r.phase === "uploading" ? <ProgressBar label={`Uploading ${r.name}`} value={r.progress} /> : null}
              {r.phase === "uploaded" ? (
                <p className="mt-1">
                  <Badge tone="good" label="Uploaded" /> <span className="text-slate-700">processing; status below</span>
                </p>
              ) : null}
              {r.phase === "refused" || r.phase === "failed" ? (
                <p role="alert" className="mt-1 text-red-800">
                  <span aria-hidden="true">⚠ </span>
                  {r.message}
                </p>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
