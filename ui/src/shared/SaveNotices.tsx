//! The small confirmation after an export is saved ("Saved to …") or could not be: a polite
//! status near the bottom of the window. Successes fade after a few seconds; errors stay until
//! dismissed.

import { useEffect, useSyncExternalStore } from "react";
import { Icon } from "./Icon";
import "./saveNotices.css";

export type SaveNotice = { id: number; tone: "success" | "error"; title: string; detail: string };

/** How long a success stays on screen. */
export const SAVED_NOTICE_MS = 6000;

let notices: SaveNotice[] = [];
let nextId = 1;
const listeners = new Set<() => void>();

function emit() {
  for (const l of listeners) l();
}

/** Shows a notice; the newest three are kept. */
export function announceSave(notice: Omit<SaveNotice, "id">): void {
  notices = [...notices, { ...notice, id: nextId++ }].slice(-3);
  emit();
}

export function dismissSave(id: number): void {
  notices = notices.filter((n) => n.id !== id);
  emit();
}

/** Removes every notice (a workspace closed, or a test ends). */
export function clearSaveNotices(): void {
  notices = [];
  emit();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

function snapshot() {
  return notices;
}

function Notice({ notice }: { notice: SaveNotice }) {
  useEffect(() => {
    if (notice.tone !== "success") return;
    const timer = window.setTimeout(() => dismissSave(notice.id), SAVED_NOTICE_MS);
    return () => window.clearTimeout(timer);
  }, [notice]);
  return (
    <div
      className={`save-notice save-notice-${notice.tone}`}
      role={notice.tone === "error" ? "alert" : "status"}
      data-testid="save-notice"
      data-tone={notice.tone}
    >
      <Icon name={notice.tone === "error" ? "alert" : "info"} className="save-notice-icon" />
      <div className="save-notice-text">
        <p className="save-notice-title">{notice.title}</p>
        <p className="save-notice-detail mono">{notice.detail}</p>
      </div>
      <button
        type="button"
        className="icon-btn"
        aria-label="Dismiss"
        title="Dismiss"
        onClick={() => dismissSave(notice.id)}
      >
        <Icon name="close" size={14} />
      </button>
    </div>
  );
}

/** Where the notices show; mounted once in the app's frame. */
export function SaveNotices() {
  const list = useSyncExternalStore(subscribe, snapshot, snapshot);
  if (list.length === 0) return null;
  return (
    <div className="save-notices" aria-live="polite">
      {list.map((n) => (
        <Notice key={n.id} notice={n} />
      ))}
    </div>
  );
}
