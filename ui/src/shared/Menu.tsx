//! A button opening a menu of actions (Export, add an override…), on Radix UI's DropdownMenu:
//! ↑ ↓ Home End and typing move between the actions, Enter or Space runs one, Escape closes and
//! focus returns to the button. The menu is portalled, so no card clips it.

import * as DropdownMenu from "@radix-ui/react-dropdown-menu";
import type { ReactNode } from "react";

export type MenuAction = {
  label: ReactNode;
  onSelect: () => void;
  disabled?: boolean;
  title?: string;
  testId?: string;
};

export function Menu({
  trigger,
  triggerClassName = "btn",
  triggerLabel,
  label,
  actions,
  align = "start",
  testId,
  disabled = false,
  triggerTitle,
}: {
  trigger: ReactNode;
  triggerClassName?: string;
  /** Accessible name of the button when it shows only an icon or a short word. */
  triggerLabel?: string;
  /** Accessible name of the menu. */
  label: string;
  actions: MenuAction[];
  align?: "start" | "end";
  testId?: string;
  disabled?: boolean;
  triggerTitle?: string;
}) {
  return (
    <DropdownMenu.Root modal={false}>
      <DropdownMenu.Trigger
        type="button"
        className={triggerClassName}
        aria-label={triggerLabel}
        title={triggerTitle}
        data-testid={testId}
        disabled={disabled}
      >
        {trigger}
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content
          className="popover menu"
          aria-label={label}
          align={align}
          sideOffset={4}
          collisionPadding={8}
          loop
        >
          {actions.map((a, i) => (
            <DropdownMenu.Item
              // Actions are a fixed list; their order is their identity.
              // biome-ignore lint/suspicious/noArrayIndexKey: see above
              key={i}
              className="menu-item"
              disabled={a.disabled}
              title={a.title}
              data-testid={a.testId}
              onSelect={a.onSelect}
            >
              {a.label}
            </DropdownMenu.Item>
          ))}
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
