//! A button opening a menu of actions (Export, add an override, the workspace switcher…), on Radix
//! UI's DropdownMenu: ↑ ↓ Home End and typing move between the actions, Enter or Space runs one,
//! Escape closes and focus returns to the button. The menu is portalled, so no card clips it.
//! Actions can come in sections, each with a heading and a note (shown when the section has
//! nothing to offer or needs a word of explanation).

import * as DropdownMenu from "@radix-ui/react-dropdown-menu";
import type { ReactNode } from "react";

export type MenuAction = {
  label: ReactNode;
  onSelect: () => void;
  disabled?: boolean;
  title?: string;
  testId?: string;
  /** Extra class of the entry (e.g. a two-line layout). */
  className?: string;
  /** Stable identity when the list changes (recent workspaces); the position otherwise. */
  key?: string;
};

export type MenuSection = {
  heading?: string;
  /** A line under the heading: why nothing can be chosen, what loading means… */
  note?: ReactNode;
  actions: MenuAction[];
};

function Entries({ actions }: { actions: MenuAction[] }) {
  return actions.map((a, i) => (
    <DropdownMenu.Item
      key={a.key ?? String(i)}
      className={a.className ? `menu-item ${a.className}` : "menu-item"}
      disabled={a.disabled}
      title={a.title}
      data-testid={a.testId}
      onSelect={a.onSelect}
    >
      {a.label}
    </DropdownMenu.Item>
  ));
}

export function Menu({
  trigger,
  triggerClassName = "btn",
  triggerLabel,
  label,
  actions,
  sections,
  footer,
  align = "start",
  testId,
  disabled = false,
  triggerTitle,
  contentClassName,
}: {
  trigger: ReactNode;
  triggerClassName?: string;
  /** Accessible name of the button when it shows only an icon or a short word. */
  triggerLabel?: string;
  /** Accessible name of the menu. */
  label: string;
  /** One plain list of actions… */
  actions?: MenuAction[];
  /** …or sections of them, separated by a rule. */
  sections?: MenuSection[];
  /** Shown under the actions (an error from the last action). */
  footer?: ReactNode;
  align?: "start" | "end";
  testId?: string;
  disabled?: boolean;
  triggerTitle?: string;
  contentClassName?: string;
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
          className={contentClassName ? `popover menu ${contentClassName}` : "popover menu"}
          aria-label={label}
          align={align}
          sideOffset={4}
          collisionPadding={8}
          loop
        >
          {actions ? <Entries actions={actions} /> : null}
          {(sections ?? []).map((s, i) => (
            <DropdownMenu.Group
              // Sections are a fixed list; their order is their identity.
              // biome-ignore lint/suspicious/noArrayIndexKey: see above
              key={i}
              className="menu-section"
              aria-label={s.heading}
            >
              {s.heading ? (
                <DropdownMenu.Label className="menu-heading">{s.heading}</DropdownMenu.Label>
              ) : null}
              {s.note ? <div className="menu-note muted small">{s.note}</div> : null}
              <Entries actions={s.actions} />
            </DropdownMenu.Group>
          ))}
          {footer ? <div className="menu-note">{footer}</div> : null}
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
