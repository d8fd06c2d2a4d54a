//! The left navigation.

import { Icon, type IconName } from "../shared/Icon";
import type { ViewId } from "../shared/route";

type NavEntry = { id: ViewId; label: string; icon: IconName; planned?: boolean; hint: string };

export const NAV_GROUPS: { label: string; entries: NavEntry[] }[] = [
  {
    label: "Workspace",
    entries: [
      { id: "overview", label: "Overview", icon: "overview", hint: "Headline numbers and how items split" },
      { id: "items", label: "Work items", icon: "items", hint: "Every item, filterable and sortable" },
    ],
  },
  {
    label: "Analyse",
    entries: [
      { id: "flow", label: "Flow", icon: "flow", hint: "Cycle time, throughput, aging work" },
      {
        id: "bottlenecks",
        label: "Bottlenecks",
        icon: "bottlenecks",
        hint: "Where and why work waits",
      },
      {
        id: "dependencies",
        label: "Dependencies",
        icon: "dependencies",
        hint: "Who blocks whom",
      },
    ],
  },
  {
    label: "Act",
    entries: [
      { id: "triage", label: "Triage", icon: "triage", hint: "What needs a decision" },
      {
        id: "duplicates",
        label: "Duplicates",
        icon: "duplicates",
        hint: "Work two teams may both be doing",
      },
      {
        id: "governance",
        label: "Governance",
        icon: "governance",
        hint: "Policies that check themselves, and their violations",
      },
      {
        id: "decisions",
        label: "Decisions",
        icon: "decisions",
        hint: "Pending decisions and approvals, who decides, and the log",
      },
      {
        id: "intents",
        label: "Intents",
        icon: "intents",
        hint: "Goals and the work serving them",
      },
      { id: "plans", label: "Plans", icon: "plans", hint: "Forecasts from delivery history" },
    ],
  },
  {
    label: "Setup",
    entries: [
      {
        id: "sources",
        label: "Sources",
        icon: "sources",
        hint: "Connected tools and sync health",
      },
      { id: "settings", label: "Settings", icon: "settings", hint: "Theme, workspaces, workflow, version" },
    ],
  },
];

export function Nav({ current }: { current: ViewId }) {
  return (
    <nav className="nav" aria-label="Views">
      {NAV_GROUPS.map((group) => (
        <div key={group.label} className="nav-group">
          <p className="nav-group-label">{group.label}</p>
          <ul>
            {group.entries.map((e) => (
              <li key={e.id}>
                <a
                  href={`#/${e.id}`}
                  className={current === e.id ? "nav-link active" : "nav-link"}
                  aria-current={current === e.id ? "page" : undefined}
                  data-testid={`nav-${e.id}`}
                  title={e.planned ? `${e.hint} (not built yet)` : e.hint}
                >
                  <Icon name={e.icon} />
                  <span>{e.label}</span>
                  {e.planned ? <span className="nav-planned">soon</span> : null}
                </a>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </nav>
  );
}
