//! An ⓘ that shows a short explanation on hover and on keyboard focus (and to screen readers
//! through `aria-describedby`).

import { useId } from "react";
import { Icon } from "./Icon";

export function Hint({ text, label, testId }: { text: string; label: string; testId?: string }) {
  const id = useId();
  return (
    <span className="hint">
      <button
        type="button"
        className="hint-trigger"
        aria-label={label}
        aria-describedby={id}
        data-testid={testId}
      >
        <Icon name="info" size={14} />
      </button>
      <span role="tooltip" id={id} className="hint-bubble">
        {text}
      </span>
    </span>
  );
}
