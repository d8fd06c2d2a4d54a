//! CSV export of a chart's data, and saving a file from the interface: in the desktop app
//! through the system "Save as" dialog (`exportSave`; a web view's download link does not save
//! reliably there), in a plain browser through a download link.
//!
//! Cells are quoted per RFC 4180. Titles, names and states come from the sources, so every text
//! cell is guarded against CSV (formula) injection before a spreadsheet opens it, in any locale:
//! - **The apostrophe.** Text whose first meaningful character starts a formula gets a leading
//!   `'`, which spreadsheets read as "this is text". The triggers are `=`, `+`, `-`, `@` (OWASP's
//!   list) and their full-width and small forms (`＝ ＋ － ＠ ﹦ ﹢ ﹣ ﹫`) and the minus sign `−`,
//!   which East Asian input methods and some imports turn into the ASCII ones. "First
//!   meaningful" skips what a spreadsheet may trim or split off before it looks: whitespace of
//!   any kind (spaces, no-break and ideographic spaces, tab, CR, LF), invisible format characters
//!   (zero-width, bidi marks, byte-order mark), quotes, and the separators `,` and `;` — so
//!   ` =1+1`, `\t=1+1` and `;=cmd|' /C calc'!A0` are guarded like `=1+1`. A cell that starts
//!   with a tab, CR or LF is guarded whatever follows (OWASP).
//! - **Quotes.** A guarded cell, and any cell holding a separator a reader in another locale
//!   may use (`,` `;` tab), a quote (`"` `'`), a line break, or leading or trailing
//!   whitespace, is wrapped in double quotes with its quotes doubled, so it stays one cell
//!   whichever separator the spreadsheet picks and nothing after a `;` starts a new cell.
//! - **Not guarded:** `|` and `%` start no formula in Excel, LibreOffice or Google Sheets (`|`
//!   only matters inside one, as in `=cmd|...`, which the `=` already guards); numbers passed
//!   as numbers are written as they are (`-3`), while text such as `"-3+cmd"` is guarded.
//!   Baton writes no CSV from Rust: the app saves the text made here.

import { type ExportEncoding, type IpcError, insideDesktopApp, ipc, toIpcError } from "../lib/ipc";
import { announceSave } from "./SaveNotices";

export type CsvCell = string | number | boolean | null | undefined;

/** Characters that start a formula in some spreadsheet and locale. */
const FORMULA_TRIGGER = /^[=+\-@\uFF1D\uFF0B\uFF0D\uFF20\uFE66\uFE62\uFE63\uFE6B\u2212]/;
/** What a spreadsheet may trim or split off before it looks for a formula. */
const LEADING_FILLER = /^[\s\u200B-\u200F\u2060-\u2064\u202A-\u202E\u2066-\u2069\uFEFF,;"']+/;
/** Characters that make a cell need quotes. */
const NEEDS_QUOTES = /[",;'\t\r\n]/;

/** Whether a spreadsheet could read `text` as a formula (see the module comment). */
export function looksLikeFormula(text: string): boolean {
  if (/^[\t\r\n]/.test(text)) return true;
  return FORMULA_TRIGGER.test(text.replace(LEADING_FILLER, ""));
}

/** One cell: numbers as they are, text guarded against formulas and quoted when needed. */
export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  if (typeof value === "boolean") return value ? "true" : "false";
  const guarded = looksLikeFormula(value);
  const text = guarded ? `'${value}` : value;
  return guarded || NEEDS_QUOTES.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
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

/** Saves a whole HTML document (a brief), like `saveCsv`. */
export function saveHtml(html: string, filename: string): Promise<SaveOutcome> {
  if (insideDesktopApp()) return saveThroughDialog(filename, html, "utf8");
  const url = URL.createObjectURL(new Blob([html], { type: "text/html;charset=utf-8" }));
  downloadUrl(url, filename);
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return Promise.resolve({ kind: "downloaded", filename });
}

/** Saves a PDF given as base64, like `saveCsv`. */
export function savePdf(base64: string, filename: string): Promise<SaveOutcome> {
  if (insideDesktopApp()) return saveThroughDialog(filename, base64, "base64");
  downloadUrl(`data:application/pdf;base64,${base64}`, filename);
  return Promise.resolve({ kind: "downloaded", filename });
}

/** Saves an image given as a `data:…;base64,` URL (a chart's PNG), like `saveCsv`. */
export function saveImage(dataUrl: string, filename: string): Promise<SaveOutcome> {
  if (insideDesktopApp()) return saveThroughDialog(filename, dataUrl, "base64");
  downloadUrl(dataUrl, filename);
  return Promise.resolve({ kind: "downloaded", filename });
}
