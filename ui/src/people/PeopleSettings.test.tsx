import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { PeopleView, PersonView } from "../lib/ipc";
import { clearMocks, emitWorkspaceChanged, mockBackend } from "../lib/ipc/testing";
import { renderWithClient } from "../test/render";
import { PeopleSettings } from "./PeopleSettings";

afterEach(() => clearMocks());

const HOSTILE = '<img src=x onerror=alert(1)> "Ann"';

function person(id: string, name: string, identities: [string, string][], items = 1): PersonView {
  return {
    id,
    displayName: name,
    teamId: null,
    isBot: false,
    items,
    identities: identities.map(([source, login]) => ({
      sourceId: source,
      sourceName: source === "gh" ? "GitHub acme" : "Jira acme",
      sourceKind: source === "gh" ? "github" : "jira",
      login,
      displayName: login === "a1" ? HOSTILE : login,
      email: null,
      keptApart: false,
    })),
  };
}

function backend(initial: PeopleView) {
  let view = initial;
  const calls = mockBackend({
    people_list: () => view,
    people_merge: (args) => {
      const keep = view.people.find((p) => p.id === args.keep);
      const other = view.people.find((p) => p.id === args.other);
      if (!keep || !other) throw { code: "not_found", message: "no such person" };
      view = {
        people: view.people
          .filter((p) => p.id !== other.id)
          .map((p) =>
            p.id === keep.id
              ? { ...p, identities: [...p.identities, ...other.identities], items: p.items + other.items }
              : p,
          ),
        matches: view.matches.filter((m) => m.otherId !== other.id),
      };
      void emitWorkspaceChanged(["people", "items"]);
      return null;
    },
    people_split: (args) => {
      const merged = view.people.find((p) => p.id === args.person);
      if (!merged) throw { code: "not_found", message: "no such person" };
      const [first, ...rest] = merged.identities;
      view = {
        ...view,
        people: [
          ...view.people.filter((p) => p.id !== merged.id),
          { ...merged, identities: first ? [first] : [] },
          ...rest.map((i) => person(`${i.sourceId}:${i.login}`, i.login, [[i.sourceId, i.login]], 0)),
        ],
      };
      void emitWorkspaceChanged(["people", "items"]);
      return rest.map((i) => `${i.sourceId}:${i.login}`);
    },
  });
  return calls;
}

const VIEW: PeopleView = {
  people: [
    person("gh:ann", "ann", [["gh", "ann"]], 3),
    person("jira:a1", HOSTILE, [["jira", "a1"]], 5),
    person("gh:bo", "Bo", [
      ["gh", "bo"],
      ["jira", "b1"],
    ]),
  ],
  matches: [
    {
      keepId: "gh:ann",
      keepName: "ann",
      otherId: "jira:a1",
      otherName: HOSTILE,
      reason: "name",
      shared: "ann",
      automatic: false,
    },
  ],
};

describe("PeopleSettings", () => {
  it("merges a suggested match into one person and shows names as text", async () => {
    const calls = backend(VIEW);
    const { container } = renderWithClient(<PeopleSettings />);
    const matches = await screen.findByTestId("people-matches");
    expect(within(matches).getByText(/same name/)).toBeTruthy();
    expect(container.querySelector("img")).toBeNull();
    expect(within(matches).getAllByText(HOSTILE).length).toBeGreaterThan(0);
    fireEvent.click(screen.getByTestId("people-merge-jira:a1"));
    await waitFor(() => expect(screen.queryByTestId("person-jira:a1")).toBeNull());
    expect(calls.find((c) => c.cmd === "people_merge")?.args).toEqual({ keep: "gh:ann", other: "jira:a1" });
    const ann = screen.getByTestId("person-gh:ann");
    expect(within(ann).getByText("8")).toBeTruthy();
    expect(await screen.findByTestId("people-no-matches")).toBeTruthy();
  });

  it("merges any two people by hand and splits a merged one", async () => {
    const calls = backend({ ...VIEW, matches: [] });
    renderWithClient(<PeopleSettings />);
    await screen.findByTestId("people-table");
    fireEvent.change(screen.getByTestId("merge-target-jira:a1"), { target: { value: "gh:bo" } });
    fireEvent.click(screen.getByTestId("merge-jira:a1"));
    await waitFor(() => expect(screen.queryByTestId("person-jira:a1")).toBeNull());
    expect(calls.find((c) => c.cmd === "people_merge")?.args).toEqual({ keep: "gh:bo", other: "jira:a1" });
    fireEvent.click(screen.getByTestId("split-gh:bo"));
    await waitFor(() => expect(screen.getByTestId("person-jira:b1")).toBeTruthy());
    expect(calls.some((c) => c.cmd === "people_split" && c.args.person === "gh:bo")).toBe(true);
    expect(within(screen.getByTestId("person-gh:ann")).queryByTestId("split-gh:ann")).toBeNull();
  });

  it("says so when nothing was synced yet, and when the list fails", async () => {
    backend({ people: [], matches: [] });
    renderWithClient(<PeopleSettings />);
    expect(await screen.findByText("No people yet")).toBeTruthy();
    clearMocks();
    mockBackend({
      people_list: () => {
        throw { code: "internal", message: "disk gone" };
      },
    });
    renderWithClient(<PeopleSettings />);
    expect(await screen.findByText(/disk gone/)).toBeTruthy();
  });
});
