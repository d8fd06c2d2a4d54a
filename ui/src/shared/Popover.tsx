//! A button that opens a floating panel below it (menus, filter pickers).
//! Closes on Escape, on a click outside, and when focus leaves it.

import { type ReactNode, useEffect, useId, useRef, useState } from "react";

export function Popover({
  trigger,
  triggerClassName = "btn",
  triggerLabel,
  children,
  align = "start",
  testId,
  panelClassName,
}: {
  trigger: ReactNode;
  triggerClassName?: string;
  /** Accessible name when the trigger shows only an icon or a value. */
  triggerLabel?: string;
  children: (close: () => void) => ReactNode;
  align?: "start" | "end";
  testId?: string;
  panelClassName?: string;
}) {
  const [open, setOpen] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const panelId = useId();

  useEffect(() => {
    if (!open) return;
    function onPointer(event: MouseEvent) {
      if (rootRef.current && !rootRef.current.contains(event.target as Node)) setOpen(false);
    }
    function onKey(event: KeyboardEvent) {
      if (event.key === "Escape") {
        event.preventDefault();
        setOpen(false);
        buttonRef.current?.focus();
      }
    }
    // Focus moving to something outside (Tab away) closes it too.
    function onFocus(event: FocusEvent) {
      if (rootRef.current && !rootRef.current.contains(event.target as Node)) setOpen(false);
    }
    document.addEventListener("mousedown", onPointer);
    document.addEventListener("keydown", onKey, true);
    document.addEventListener("focusin", onFocus);
    return () => {
      document.removeEventListener("focusin", onFocus);
      document.removeEventListener("mousedown", onPointer);
      document.removeEventListener("keydown", onKey, true);
    };
  }, [open]);

  return (
    <div className="popover-root" ref={rootRef}>
      <button
        ref={buttonRef}
        type="button"
        className={triggerClassName}
        aria-expanded={open}
        aria-haspopup="true"
        aria-controls={open ? panelId : undefined}
        aria-label={triggerLabel}
        data-testid={testId}
        onClick={() => setOpen((o) => !o)}
      >
        {trigger}
      </button>
      {open ? (
        <div id={panelId} className={`popover popover-${align} ${panelClassName ?? ""}`}>
          {children(() => {
            setOpen(false);
            buttonRef.current?.focus();
          })}
        </div>
      ) : null}
    </div>
  );
}
