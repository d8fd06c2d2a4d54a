//! CSV export of a chart's data, and saving a file from the interface: in the desktop app
//! through the system "Save as" dialog (`exportSave`; a web view's download link does not save
//! reliably there), in a plain browser through a download link.
//!
//! Cells are quoted per RFC 4180. Text that a spreadsheet would run as a formula (it starts
//! with `=`, `+`, `-`, `@`, a tab or a carriage return) is prefixed with `'` so that titles
//! and state names from the sources stay text when the file is opened (CSV injection).

import { type ExportEncoding, type IpcError, insideDesktopApp, ipc, toIpcError } from "../lib/ipc";
import { announceSave } from "./SaveNotices";

export type CsvCell = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell: numbers as they are, text guarded against formulas and quoted when needed. */
export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  if (typeof value === "boolean") return value ? "true" : "false";
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows (the first is the header) as CSV text with CRLF line ends. */
export function toCsv(rows: readonly (readonly CsvCell[])[]): string {
  return `${rows.map((row) => row.map(csvCell).join(",")).join("\r\n")}\r\n`;
}

/** A file name from a title: "Cycle-time scatter" → "baton-cycle-time-scatter". */
export function fileStem(title: string): string {
  const slug = title
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return `baton-${slug || "chart"}`;
}

/** Saves `url` (a data: or blob: URL) under `filename` through the web view's download. */
export function downloadUrl(url: string, filename: string): void {
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  a.rel = "noopener";
  a.style.display = "none";
  document.body.appendChild(a);
  a.click();
  a.remove();
}

/** Saves CSV text (with a byte-order mark so spreadsheets read it as UTF-8). */
export function downloadCsv(csv: string, filename: string): void {
  const blob = new Blob(["\uFEFF", csv], { type: "text/csv;charset=utf-8" });
  const url = URL.createObjectURL(blob);
  downloadUrl(url, filename);
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** How a save ended. */
export type SaveOutcome =
  | { kind: "saved"; path: string }
  | { kind: "downloaded"; filename: string }
  | { kind: "canceled" }
  | { kind: "failed"; error: IpcError };

async function saveThroughDialog(
  filename: string,
  contents: string,
  encoding: ExportEncoding,
): Promise<SaveOutcome> {
  try {
    const path = await ipc.exportSave(filename, contents, encoding);
    if (path === null) return { kind: "canceled" };
    announceSave({ tone: "success", title: "Saved", detail: `Saved to ${path}` });
    return { kind: "saved", path };
  } catch (err) {
    const error = toIpcError(err);
    announceSave({ tone: "error", title: `Could not save ${filename}`, detail: error.message });
    return { kind: "failed", error };
  }
}

/**
 * Saves CSV text: in the desktop app where the user chooses (with a byte-order mark so
 * spreadsheets read it as UTF-8), in a browser as a download. Says "Saved to …" or the error.
 */
export function saveCsv(csv: string, filename: string): Promise<SaveOutcome> {
  if (insideDesktopApp()) return saveThroughDialog(filename, `\uFEFF${csv}`, "utf8");
  downloadCsv(csv, filename);
  return Promise.resolve({ kind: "downloaded", filename });
}

/** Saves an image given as a `data:…;base64,` URL (a chart's PNG), like `saveCsv`. */
export function saveImage(dataUrl: string, filename: string): Promise<SaveOutcome> {
  if (insideDesktopApp()) return saveThroughDialog(filename, dataUrl, "base64");
  downloadUrl(dataUrl, filename);
  return Promise.resolve({ kind: "downloaded", filename });
}
