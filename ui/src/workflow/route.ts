//! Where the Workflow settings live in the URL (`#/settings?tab=workflow&source=s1&state=Foo`),
//! so a data note can open them at the state to map.

import { navigate } from "../shared/route";

export const WORKFLOW_TAB = "workflow";

export function workflowParams(sourceId?: string | null, rawState?: string | null): URLSearchParams {
  const params = new URLSearchParams({ tab: WORKFLOW_TAB });
  if (sourceId) params.set("source", sourceId);
  if (rawState) params.set("state", rawState);
  return params;
}

/** Opens Settings → Workflow, filtered to one state when given. */
export function openWorkflow(sourceId?: string | null, rawState?: string | null): void {
  navigate("settings", workflowParams(sourceId, rawState));
}
