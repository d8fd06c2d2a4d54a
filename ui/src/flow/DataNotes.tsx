//! What about the data changed what the numbers include (items left out for an unmapped state,
//! changes out of order), shown above the charts with a way to fix what can be fixed.

import type { DataNote } from "../lib/ipc";
import { formatCount } from "../shared/format";
import { Icon } from "../shared/Icon";
import { openWorkflow } from "../workflow/route";

export function DataNotes({ notes, skipped }: { notes: DataNote[]; skipped: number }) {
  if (notes.length === 0) return null;
  const unmapped = notes.filter((n) => n.code === "unmapped_state");
  return (
    <section className="banner banner-warning data-notes" aria-label="Data notes" data-testid="data-notes">
      <Icon name="alert" className="banner-icon" />
      <div className="banner-text">
        <p className="banner-title">
          {skipped > 0
            ? `${formatCount(skipped)} ${skipped === 1 ? "item is" : "items are"} left out of these numbers`
            : "About the data behind these numbers"}
        </p>
        <ul className="data-note-list">
          {notes.map((note) => (
            <li key={`${note.code}-${note.sourceId ?? ""}-${note.rawState ?? ""}`} data-testid="data-note">
              <span>{note.message}</span>
              {note.code === "unmapped_state" && note.rawState !== null ? (
                <button
                  type="button"
                  className="btn btn-small"
                  data-testid="data-note-map"
                  onClick={() => openWorkflow(note.sourceId, note.rawState)}
                >
                  Map “{note.rawState}”
                </button>
              ) : null}
            </li>
          ))}
        </ul>
        {unmapped.length > 1 ? (
          <button type="button" className="link-btn small" onClick={() => openWorkflow()}>
            Open Settings → Workflow →
          </button>
        ) : null}
      </div>
    </section>
  );
}
