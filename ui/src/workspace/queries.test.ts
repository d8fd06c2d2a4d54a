import { QueryClient } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import type { ChangeKind, Changes } from "../lib/ipc";
import { applyWorkspaceChange, QUERIES_FOR_CHANGE, staleDomains } from "./queries";

const KEYS = [
  ["startup"],
  ["summary"],
  ["items", "page", 0],
  ["flow", "report", {}],
  ["deps", "report", {}],
  ["intents", "list"],
  ["rules", "list"],
  ["sources", "list"],
  ["workflow", "list"],
  ["triage", "list", [], [], [], [], "age", "open", 200],
  ["settings", "view"],
] as const;

function clientWithEveryQuery(): QueryClient {
  const client = new QueryClient();
  for (const key of KEYS) client.setQueryData([...key], { cached: true });
  return client;
}

function invalidated(client: QueryClient): string[] {
  return client
    .getQueryCache()
    .getAll()
    .filter((q) => q.state.isInvalidated)
    .map((q) => String(q.queryKey[0]))
    .sort();
}

const changes = (kinds: ChangeKind[]): Changes => ({ kinds, itemIds: [], allItems: false });

describe("workspaceChanged → queries", () => {
  it("a sync run's history refetches the Sources screen only", async () => {
    const client = clientWithEveryQuery();
    await applyWorkspaceChange(client, { reason: "data", changes: changes(["sync_runs"]) });
    expect(invalidated(client)).toEqual(["sources"]);
  });

  it("a rule edit refetches the rules, and nothing computed from items", async () => {
    const client = clientWithEveryQuery();
    await applyWorkspaceChange(client, { reason: "data", changes: changes(["rules"]) });
    expect(invalidated(client)).toEqual(["rules"]);
  });

  it("written items refetch every number, but never the start-up state or settings", async () => {
    const client = clientWithEveryQuery();
    await applyWorkspaceChange(client, { reason: "data", changes: changes(["items", "sync_runs"]) });
    expect(invalidated(client)).toEqual([
      "deps",
      "flow",
      "intents",
      "items",
      "rules",
      "sources",
      "summary",
      "triage",
    ]);
  });

  it("another workspace drops every answer about the previous one", async () => {
    const client = clientWithEveryQuery();
    await applyWorkspaceChange(client, {
      reason: "opened",
      changes: changes(Object.keys(QUERIES_FOR_CHANGE) as ChangeKind[]),
    });
    const left = client
      .getQueryCache()
      .getAll()
      .filter((q) => q.state.data !== undefined)
      .map((q) => q.queryKey[0]);
    expect(left).toEqual(["startup"]);
  });

  it("no change, no refetch", async () => {
    const client = clientWithEveryQuery();
    await applyWorkspaceChange(client, { reason: "data", changes: changes([]) });
    expect(invalidated(client)).toEqual([]);
  });

  it("a decision refetches the worklist and the item detail that lists it, and no flow number", async () => {
    const client = clientWithEveryQuery();
    await applyWorkspaceChange(client, { reason: "data", changes: changes(["decisions"]) });
    // A hand link to an intent is a decision: the Intents page refetches too.
    expect(invalidated(client)).toEqual(["intents", "items", "summary", "triage"]);
    expect(staleDomains(changes(["decisions"]))).toEqual(
      new Set(["triage", "items", "summary", "governance", "intents"]),
    );
    expect(staleDomains(changes(["policies"]))).toEqual(new Set(["governance"]));
  });
});
