//! Designed loading, empty and error states: no blank area and no endless spinner anywhere.

import { type ReactNode, type RefObject, useEffect, useRef, useState } from "react";
import { Icon } from "./Icon";

/** After this long, a loading state says so, and offers what `slowAction` gives. */
export const SLOW_MS = 10_000;

/**
 * How long a page's answer may take to update before its shown answer is dimmed as out of date
 * and "Updating…" appears. A quicker answer replaces the old one without either: dimming a whole
 * page of charts and undimming it a moment later made WebKitGTK (the Linux window's engine)
 * repaint all of it twice, which cost more than the answer itself.
 */
export const STALE_SHOWN_MS = 300;

/** `on`, once it has stayed true for `delayMs`; false as soon as it turns false. */
export function useAfterDelay(on: boolean, delayMs: number = STALE_SHOWN_MS): boolean {
  const [shown, setShown] = useState(false);
  useEffect(() => {
    if (!on) {
      setShown(false);
      return;
    }
    const timer = window.setTimeout(() => setShown(true), delayMs);
    return () => window.clearTimeout(timer);
  }, [on, delayMs]);
  return on && shown;
}

/**
 * The class of a page body showing an answer that is being replaced: `is-stale` at once (what
 * tests wait on), `is-dimmed` (the look) once the update has taken `STALE_SHOWN_MS`.
 */
export function staleClass(base: string, stale: boolean, dimmed: boolean): string {
  return `${base}${stale ? " is-stale" : ""}${stale && dimmed ? " is-dimmed" : ""}`;
}

/**
 * Whether the element is out of the viewport, as an IntersectionObserver last said (false
 * until it has said, and where there is none). A spinner below the fold is stopped with it: in
 * the Linux window (WebKitGTK without a GPU) every frame of a turning spinner is composited again
 * in software, wherever it is, and that kept the frames of the page in view waiting.
 */
export function useOffscreen(ref: RefObject<Element | null>): boolean {
  const [offscreen, setOffscreen] = useState(false);
  useEffect(() => {
    const element = ref.current;
    if (!element || typeof IntersectionObserver === "undefined") return;
    const observer = new IntersectionObserver((entries) => {
      const last = entries[entries.length - 1];
      if (last) setOffscreen(!last.isIntersecting);
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return offscreen;
}

export function LoadingState({
  label,
  compact = false,
  slowAction,
}: {
  label: string;
  compact?: boolean;
  slowAction?: ReactNode;
}) {
  const [slow, setSlow] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const offscreen = useOffscreen(root);
  useEffect(() => {
    const timer = window.setTimeout(() => setSlow(true), SLOW_MS);
    return () => window.clearTimeout(timer);
  }, []);
  return (
    <div
      ref={root}
      className={`state state-loading${compact ? " state-compact" : ""}${offscreen ? " is-offscreen" : ""}`}
      role="status"
    >
      <p className="state-loading-line">
        <span className="spinner" aria-hidden="true" />
        <span>{label}</span>
      </p>
      {slow ? (
        <p className="state-body small">
          This is taking longer than usual. A large workspace or a busy disk can slow it down; Baton keeps
          waiting.
        </p>
      ) : null}
      {slow && slowAction ? <div className="state-actions">{slowAction}</div> : null}
    </div>
  );
}

export function EmptyState({
  title,
  children,
  action,
  compact = false,
}: {
  title: string;
  children?: ReactNode;
  action?: ReactNode;
  compact?: boolean;
}) {
  return (
    <div className={compact ? "state state-empty state-compact" : "state state-empty"}>
      <p className="state-title">{title}</p>
      {children ? <div className="state-body">{children}</div> : null}
      {action ? <div className="state-actions">{action}</div> : null}
    </div>
  );
}

export function ErrorState({
  title,
  error,
  onRetry,
  compact = false,
}: {
  title: string;
  error: unknown;
  onRetry?: () => void;
  compact?: boolean;
}) {
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div className={compact ? "state state-error state-compact" : "state state-error"} role="alert">
      <p className="state-title">
        <Icon name="alert" /> {title}
      </p>
      <p className="state-message">{message}</p>
      {onRetry ? (
        <div className="state-actions">
          <button type="button" className="btn" onClick={onRetry}>
            <Icon name="refresh" /> Try again
          </button>
        </div>
      ) : null}
    </div>
  );
}

export function Banner({
  tone,
  title,
  children,
  actions,
  onDismiss,
  testId,
}: {
  tone: "info" | "warning" | "error";
  title: string;
  children?: ReactNode;
  actions?: ReactNode;
  onDismiss?: () => void;
  testId?: string;
}) {
  return (
    <div
      className={`banner banner-${tone}`}
      role={tone === "error" ? "alert" : "status"}
      data-testid={testId}
    >
      <Icon name={tone === "info" ? "info" : "alert"} className="banner-icon" />
      <div className="banner-text">
        <p className="banner-title">{title}</p>
        {children ? <div className="banner-body">{children}</div> : null}
        {actions ? <div className="banner-actions">{actions}</div> : null}
      </div>
      {onDismiss ? (
        <button type="button" className="icon-btn" aria-label="Dismiss" title="Dismiss" onClick={onDismiss}>
          <Icon name="close" />
        </button>
      ) : null}
    </div>
  );
}
