//! A panel that slides over the right edge of the content (item detail, drill-down lists, metric
//! definitions), on Radix UI's Dialog, non-modal: the page behind stays usable (a click on
//! another bar replaces the list). Focus moves into the panel when it opens and back to what
//! opened it when it closes; Escape closes the topmost layer first (an open popover inside, then
//! the panel).

import * as Dialog from "@radix-ui/react-dialog";
import { type ReactNode, useEffect, useState } from "react";
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
  // What had the focus when the panel opened (read while rendering, before the panel takes it):
  // it gets the focus back when the panel closes, unless something else took it meanwhile.
  const [opener] = useState(() =>
    document.activeElement instanceof HTMLElement ? document.activeElement : null,
  );
  useEffect(
    () => () => {
      window.setTimeout(() => {
        const now = document.activeElement;
        if (opener?.isConnected && (now === null || now === document.body)) opener.focus();
      }, 0);
    },
    [opener],
  );
  return (
    <Dialog.Root
      open
      modal={false}
      onOpenChange={(open) => {
        if (!open) onClose();
      }}
    >
      <Dialog.Portal>
        <Dialog.Content
          className="side-panel"
          aria-label={label}
          aria-describedby={undefined}
          data-testid={testId}
          style={{ width }}
          // The panel stays open while the page behind is used; only Escape or Close close it.
          onInteractOutside={(event) => event.preventDefault()}
          onOpenAutoFocus={(event) => {
            // Focus the panel itself (its heading is read), not its first button.
            event.preventDefault();
            (event.currentTarget as HTMLElement | null)?.focus();
          }}
          // Radix would focus the (absent) trigger; the opener is focused above instead.
          onCloseAutoFocus={(event) => event.preventDefault()}
          tabIndex={-1}
        >
          <Dialog.Title className="visually-hidden">{label}</Dialog.Title>
          <header className="side-panel-header">
            <div className="side-panel-title">{title}</div>
            {headerExtra}
            <Dialog.Close className="icon-btn" aria-label={`Close ${label}`} title="Close (Esc)">
              <Icon name="close" />
            </Dialog.Close>
          </header>
          <div className="side-panel-body">{children}</div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
