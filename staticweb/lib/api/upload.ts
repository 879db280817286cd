/** Progress of one upload, 0..1. */
export type ProgressListener = (fraction: number) => void;

/** A started upload: `done` settles when Blob Storage answers; `abort` cancels it. */
export interface UploadHandle {
  done: Promise<void>;
  abort: () => void;
}

/** Thrown when Blob Storage refuses the PUT (expired SAS, wrong type, network). */
export class UploadError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = "UploadError";
    this.status = status;
  }
}

/**
 * PUTs one file straight to Blob Storage with the SAS URL from the API, reporting progress.
 * XMLHttpRequest rather than fetch because only it reports upload progress in every browser.
 * The SAS URL is never logged or stored: it grants write access until it expires.
 */
export function putBlob(
  sasUrl: string,
  file: Blob,
  headers: Readonly<Record<string, string>>,
  onProgress: ProgressListener,
  makeXhr: () => XMLHttpRequest = () => new XMLHttpRequest(),
): UploadHandle {
  const xhr = makeXhr();
  const done = new Promise<void>((resolve, reject) => {
    xhr.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    });
    xhr.addEventListener("load", () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve();
      } else {
        reject(new UploadError(xhr.status, `Storage refused the file (HTTP ${xhr.status}).`));
      }
    });
    xhr.addEventListener("error", () => {
      reject(new UploadError(0, "The upload failed: network error."));
    });
    xhr.addEventListener("abort", () => {
      reject(new UploadError(0, "The upload was cancelled."));
    });
  });
  xhr.open("PUT", sasUrl);
  const all: Record<string, string> = {
    "x-ms-blob-type": "BlockBlob",
    "Content-Type": file.type === "" ? "application/octet-stream" : file.type,
    ...headers,
  };
  for (const [k, v] of Object.entries(all)) xhr.setRequestHeader(k, v);
  xhr.send(file);
  return { done, abort: () => xhr.abort() };
}

/** Upload limits as `GET /api/config` publishes them. */
export interface UploadLimits {
  maxUploadBytes: number;
  allowedTypes: readonly string[];
  allowedExtensions: readonly string[];
  maxFileNameLength: number;
}

const typeByExtension: Readonly<Record<string, string>> = {
  ".pdf": "application/pdf",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".png": "image/png",
  ".tif": "image/tiff",
  ".tiff": "image/tiff",
  ".heic": "image/heic",
  ".webp": "image/webp",
  ".gif": "image/gif",
  ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  ".txt": "text/plain",
};

function extensionOf(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot < 0 ? "" : name.slice(dot).toLowerCase();
}

/**
 * The content type to declare for a file: the browser's when allowed, else the one its
 * extension implies (browsers leave HEIC and some others blank). Null when not allowed.
 */
export function declaredType(file: { name: string; type: string }, limits: UploadLimits): string | null {
  if (file.type !== "" && limits.allowedTypes.includes(file.type)) return file.type;
  const ext = extensionOf(file.name);
  const byExt = typeByExtension[ext];
  const extOk = limits.allowedExtensions.length === 0 || limits.allowedExtensions.includes(ext);
  if (byExt !== undefined && extOk && limits.allowedTypes.includes(byExt)) return byExt;
  return null;
}

/** Checks a file against the published limits before anything is sent; null when fine. */
export function checkFile(file: { name: string; size: number; type: string }, limits: UploadLimits): string | null {
  if (file.size === 0) return "The file is empty.";
  if (file.size > limits.maxUploadBytes) {
    return `The file is larger than the limit of ${formatBytes(limits.maxUploadBytes)}.`;
  }
  if (file.name.length > limits.maxFileNameLength) return "The file name is too long.";
  if (declaredType(file, limits) === null) {
    return `Files of type ${file.type === "" ? extensionOf(file.name) || "unknown" : file.type} are not accepted.`;
  }
  return null;
}

/** Human size: 1.5 MB, 320 KB. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1).replace(/\.0$/, "")} MB`;
}
