//! What each view that is not built yet will show and let the user do. Shown as is in the view,
//! so it says plainly what is coming (no sample numbers).

import type { ViewId } from "../shared/route";

export type PlannedView = {
  title: string;
  question: string;
  summary: string;
  shows: string[];
  actions: string[];
  needs: string;
};

export const PLANNED_VIEWS: Partial<Record<ViewId, PlannedView>> = {
  sources: {
    title: "Sources",
    question: "Where does the data come from, and is it up to date?",
    summary:
      "The GitHub organisations, Jira sites and Linear workspaces this workspace syncs, and their health.",
    shows: [
      "Each source with its scope, when it last synced, how many items it brought, and any sync errors.",
      "The workflow map of each source: which raw state means new, waiting (and why), active, done or canceled.",
      "Rate-limit status and the next scheduled sync.",
    ],
    actions: [
      "Connect a new source (tokens are kept in the system keychain, never in the workspace file).",
      "Sync now, pause a source, or change its polling interval.",
      "Edit the workflow map and see which states are not mapped yet.",
    ],
    needs: "The connectors for GitHub, Jira and Linear.",
  },
};
