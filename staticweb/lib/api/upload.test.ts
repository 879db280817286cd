import { describe, expect, it } from "vitest";
import { checkFile, formatBytes, putBlob, UploadError } from "./upload";

/** A scripted XMLHttpRequest: records what was sent and plays back progress and a status. */
class ScriptedXhr {
  status = 0;
  method = "";
  url = "";
  headers: Record<string, string> = {};
  sent: unknown = null;
  private listeners: Record<string, (() => void)[]> = {};
  private progress: ((e: { lengthComputable: boolean; loaded: number; total: number }) => void)[] = [];
  upload = {
    addEventListener: (_: string, fn: (e: { lengthComputable: boolean; loaded: number; total: number }) => void): void => {
      this.progress.push(fn);
    },
  };
  constructor(private readonly answer: number) {}
  addEventListener(name: string, fn: () => void): void {
    (this.listeners[name] ??= []).push(fn);
  }
  open(method: string, url: string): void {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(k: string, v: string): void {
    this.headers[k] = v;
  }
  send(body: unknown): void {
    this.sent = body;
    queueMicrotask(() => {
      for (const fn of this.progress) fn({ lengthComputable: true, loaded: 50, total: 100 });
      this.status = this.answer;
      for (const fn of this.listeners.load ?? []) fn();
    });
  }
  abort(): void {
    for (const fn of this.listeners.abort ?? []) fn();
  }
}

describe("putBlob", () => {
  it("PUTs the file as a block blob and reports progress", async () => {
    const xhr = new ScriptedXhr(201);
    const seen: number[] = [];
    const file = new Blob(["%PDF-1.4"], { type: "application/pdf" });
    const headers = { "x-ms-blob-type": "BlockBlob", "x-ms-meta-x": "1" };
    await putBlob("https://acct.blob.core.windows.net/documents/p/d?sig=x", file, headers, (p) => seen.push(p), () => xhr as unknown as XMLHttpRequest).done;
    expect(xhr.method).toBe("PUT");
    expect(xhr.headers["x-ms-blob-type"]).toBe("BlockBlob");
    expect(xhr.headers["x-ms-meta-x"]).toBe("1");
    expect(xhr.headers["Content-Type"]).toBe("application/pdf");
    expect(xhr.sent).toBe(file);
    expect(seen).toEqual([0.5, 1]);
  });

  it("rejects when storage refuses", async () => {
    const xhr = new ScriptedXhr(403);
    const handle = putBlob("https://x.test/b", new Blob(["a"]), {}, () => undefined, () => xhr as unknown as XMLHttpRequest);
    await expect(handle.done).rejects.toBeInstanceOf(UploadError);
  });
});

describe("checkFile", () => {
  const limits = {
    maxUploadBytes: 1024 * 1024,
    allowedTypes: ["application/pdf", "image/jpeg", "image/heic"],
    allowedExtensions: [".pdf", ".jpg", ".jpeg", ".heic"],
    maxFileNameLength: 20,
  };
  it.each([
    [{ name: "a.pdf", size: 10, type: "application/pdf" }, null],
    [{ name: "a.pdf", size: 0, type: "application/pdf" }, "The file is empty."],
    [{ name: "big.pdf", size: 2 * 1024 * 1024, type: "application/pdf" }, "The file is larger than the limit of 1 MB."],
    [{ name: "a.exe", size: 10, type: "application/x-msdownload" }, "Files of type application/x-msdownload are not accepted."],
    [{ name: "photo.HEIC", size: 10, type: "" }, null],
    [{ name: "noext", size: 10, type: "" }, "Files of type unknown are not accepted."],
    [{ name: "a-very-long-file-name.pdf", size: 10, type: "application/pdf" }, "The file name is too long."],
  ])("%o → %s", (file, want) => {
    expect(checkFile(file, limits)).toBe(want);
  });

  it("formats sizes", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(25 * 1024 * 1024)).toBe("25 MB");
  });
});
