//! A button that opens a floating panel below it (filter pickers, forms), on Radix UI's Popover:
//! it moves focus into the panel and back to the button, closes on Escape, on a click outside and
//! when focus leaves it, and keeps the panel inside the window (it flips or shifts at the edges).
//! The panel is portalled to the end of the page, so no card or table clips it.

import * as RadixPopover from "@radix-ui/react-popover";
import { type ReactNode, useState } from "react";

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
  return (
    <RadixPopover.Root open={open} onOpenChange={setOpen}>
      <RadixPopover.Trigger
        type="button"
        className={triggerClassName}
        aria-label={triggerLabel}
        data-testid={testId}
      >
        {trigger}
      </RadixPopover.Trigger>
      <RadixPopover.Portal>
        <RadixPopover.Content
          className={`popover popover-${align} ${panelClassName ?? ""}`}
          align={align}
          side="bottom"
          sideOffset={4}
          collisionPadding={8}
        >
          {children(() => setOpen(false))}
        </RadixPopover.Content>
      </RadixPopover.Portal>
    </RadixPopover.Root>
  );
}
