//! A panel that slides over the right edge of the content (item detail, metric definitions).
//! Escape closes it; focus moves into it when it opens and back to the opener when it closes.

import { type ReactNode, useEffect, useRef } from "react";
import { Icon } from "./Icon";

export function SidePanel({
  title,
  label,
  onClose,
  children,
  testId,
  width = 480,
  headerExtra,
}: {
  /** Visible heading. */
  title: ReactNode;
  /** Accessible name of the panel. */
  label: string;
  onClose: () => void;
  children: ReactNode;
  testId?: string;
  width?: number;
  headerExtra?: ReactNode;
}) {
  const ref = useRef<HTMLElement>(null);
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    ref.current?.focus();
    return () => {
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (event.key === "Escape" && !event.defaultPrevented) {
        event.preventDefault();
        onCloseRef.current();
      }
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  return (
    <aside
      ref={ref}
      className="side-panel"
      role="dialog"
      aria-label={label}
      tabIndex={-1}
      data-testid={testId}
      style={{ width }}
    >
      <header className="side-panel-header">
        <div className="side-panel-title">{title}</div>
        {headerExtra}
        <button
          type="button"
          className="icon-btn"
          aria-label={`Close ${label}`}
          title="Close (Esc)"
          onClick={onClose}
        >
          <Icon name="close" />
        </button>
      </header>
      <div className="side-panel-body">{children}</div>
    </aside>
  );
}
