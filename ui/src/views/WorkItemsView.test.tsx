import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ItemsQuery } from "../lib/ipc";
import {
  type Call,
  clearMocks,
  makeDetail,
  makePage,
  makeRow,
  makeSummary,
  mockBackend,
} from "../lib/ipc/testing";
import { fakeLayout, renderWithClient } from "../test/render";
import { WorkItemsView } from "./WorkItemsView";

const HOSTILE = "Sanitize <img src=x onerror=alert(1)> in PR descriptions";

function queries(calls: Call[]): ItemsQuery[] {
  return calls.filter((c) => c.cmd === "items_list").map((c) => c.args.query as ItemsQuery);
}

beforeEach(() => {
  fakeLayout();
});
afterEach(() => {
  clearMocks();
});

describe("Work items", () => {
  it("renders rows and the total, asking for the first page with the default sort", async () => {
    const rows = [makeRow({ id: "a", title: "Fix checkout" }), makeRow({ id: "b", title: "Add refunds" })];
    const calls = mockBackend({
      items_list: () => makePage(rows, 2),
      workspace_summary: () => makeSummary(),
    });
    renderWithClient(<WorkItemsView />);

    expect(await screen.findByText("Fix checkout")).toBeInTheDocument();
    expect(screen.getAllByTestId("items-row")).toHaveLength(2);
    // Since when each item is in its state (the full instant on hover).
    const since = screen.getAllByTestId("items-state-since")[0] as HTMLElement;
    expect(since).toHaveTextContent(/\d days?$/);
    expect(since.title).toMatch(/^In this state since /);
    await waitFor(() => expect(screen.getByTestId("items-total")).toHaveAttribute("data-value", "2"));
    expect(queries(calls)[0]).toEqual({
      teams: [],
      states: [],
      kinds: [],
      sources: [],
      provenances: [],
      intents: [],
      text: null,
      withoutIndependentReview: false,
      sort: "updated",
      direction: "desc",
      offset: 0,
      limit: 200,
    });
  });

  it("sorts when a header is clicked, and reverses on the second click", async () => {
    const calls = mockBackend({
      items_list: () => makePage([makeRow({ id: "a" })], 1),
      workspace_summary: () => makeSummary(),
    });
    renderWithClient(<WorkItemsView />);
    await screen.findAllByTestId("items-row");

    fireEvent.click(screen.getByTestId("sort-title"));
    await waitFor(() =>
      expect(queries(calls).at(-1)).toMatchObject({ sort: "title", direction: "asc", offset: 0 }),
    );
    expect(screen.getByRole("columnheader", { name: /Title/ })).toHaveAttribute("aria-sort", "ascending");

    fireEvent.click(screen.getByTestId("sort-title"));
    await waitFor(() => expect(queries(calls).at(-1)).toMatchObject({ sort: "title", direction: "desc" }));
    expect(window.location.hash).toContain("sort=title");
  });

  it("sends filters from the URL and the debounced search text", async () => {
    window.location.hash = "#/items?team=t2&state=waiting&prov=ai_agent";
    const calls = mockBackend({
      items_list: () => makePage([makeRow({ id: "a" })], 1),
      workspace_summary: () => makeSummary(),
    });
    renderWithClient(<WorkItemsView />);
    await screen.findAllByTestId("items-row");
    expect(queries(calls)[0]).toMatchObject({
      teams: ["t2"],
      states: ["waiting"],
      provenances: ["ai_agent"],
      text: null,
    });

    fireEvent.change(screen.getByTestId("items-search"), { target: { value: "refund" } });
    await waitFor(() => expect(queries(calls).at(-1)).toMatchObject({ text: "refund", teams: ["t2"] }), {
      timeout: 2000,
    });
  });

  it("filters by intent from the URL and sorts by how long items have been in their state", async () => {
    window.location.hash = "#/items?intent=g-rev&sort=state_since&dir=asc";
    const calls = mockBackend({
      items_list: () => makePage([makeRow({ id: "a", flowState: "waiting" })], 1),
      workspace_summary: () => makeSummary(),
      intents_list: () => [
        {
          id: "g-rev",
          parentId: null,
          kind: "goal",
          title: "Grow revenue",
          label: "Grow revenue",
          items: 3,
          itemsWithDescendants: 20,
        },
      ],
    });
    renderWithClient(<WorkItemsView />);
    await screen.findAllByTestId("items-row");
    expect(queries(calls)[0]).toMatchObject({ intents: ["g-rev"], sort: "state_since", direction: "asc" });
    await waitFor(() =>
      expect(screen.getByTestId("filter-intent")).toHaveAccessibleName("Intents filter: Grow revenue"),
    );
    // A waiting item says since when it waits.
    expect(screen.getAllByTestId("items-waiting-since")[0]).not.toHaveTextContent("—");
  });

  it("lists only the AI pull requests without an independent review, as the Overview's card counts", async () => {
    window.location.hash = "#/items?kind=pull_request&prov=ai_agent&unreviewed=1";
    const calls = mockBackend({
      items_list: () => makePage([makeRow({ id: "a" })], 1),
      workspace_summary: () => makeSummary(),
    });
    renderWithClient(<WorkItemsView />);
    await screen.findAllByTestId("items-row");
    expect(queries(calls)[0]).toMatchObject({
      kinds: ["pull_request"],
      provenances: ["ai_agent"],
      withoutIndependentReview: true,
    });
    fireEvent.click(screen.getByTestId("filter-unreviewed"));
    await waitFor(() => expect(queries(calls).at(-1)).toMatchObject({ withoutIndependentReview: false }));
    expect(window.location.hash).not.toContain("unreviewed");
  });

  it("shows a hostile title as literal text, never as HTML", async () => {
    mockBackend({
      items_list: () => makePage([makeRow({ id: "x", title: HOSTILE })], 1),
      workspace_summary: () => makeSummary(),
      item_detail: () => makeDetail(makeRow({ id: "x", title: HOSTILE })),
    });
    const { container } = renderWithClient(<WorkItemsView />);
    expect(await screen.findByText(HOSTILE)).toBeInTheDocument();
    expect(container.querySelector("img")).toBeNull();

    fireEvent.click(screen.getByTestId("items-row"));
    expect(await screen.findByTestId("detail-title")).toHaveTextContent(HOSTILE);
    expect(document.querySelector("img")).toBeNull();
  });

  it("moves the selection with the arrow keys and opens the item with Enter", async () => {
    const rows = [makeRow({ id: "a", title: "First" }), makeRow({ id: "b", title: "Second" })];
    mockBackend({
      items_list: () => makePage(rows, 2),
      workspace_summary: () => makeSummary(),
      item_detail: (args) => makeDetail(rows.find((r) => r.id === args.id) ?? makeRow({ id: "missing" })),
    });
    renderWithClient(<WorkItemsView />);
    await screen.findAllByTestId("items-row");
    const grid = screen.getByTestId("items-grid");
    fireEvent.keyDown(grid, { key: "ArrowDown" });
    fireEvent.keyDown(grid, { key: "ArrowDown" });
    fireEvent.keyDown(grid, { key: "Enter" });
    expect(await screen.findByTestId("detail-title")).toHaveTextContent("Second");
    expect(window.location.hash).toContain("item=b");
  });

  it("says when the workspace has no items", async () => {
    mockBackend({ items_list: () => makePage([], 0), workspace_summary: () => makeSummary() });
    renderWithClient(<WorkItemsView />);
    expect(await screen.findByText("This workspace has no items yet")).toBeInTheDocument();
  });

  it("says when nothing matches the filters, and clears them", async () => {
    window.location.hash = "#/items?kind=risk";
    const calls = mockBackend({ items_list: () => makePage([], 0), workspace_summary: () => makeSummary() });
    renderWithClient(<WorkItemsView />);
    const empty = await screen.findByText("No items match these filters");
    fireEvent.click(
      within(empty.closest(".state") as HTMLElement).getByRole("button", { name: "Clear filters" }),
    );
    await waitFor(() => expect(queries(calls).at(-1)).toMatchObject({ kinds: [] }));
  });

  it("shows Rust's error message when the list cannot be loaded", async () => {
    mockBackend({
      items_list: () => {
        throw { code: "no_workspace", message: "no workspace is open" };
      },
      workspace_summary: () => makeSummary(),
    });
    renderWithClient(<WorkItemsView />);
    expect(await screen.findByText("Could not load work items")).toBeInTheDocument();
    expect(screen.getByText("no workspace is open")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: /Try again/ })).toBeInTheDocument();
  });

  it("fetches further pages by offset as the list scrolls", async () => {
    const calls = mockBackend({
      items_list: (args) => {
        const q = args.query as ItemsQuery;
        const rows = Array.from({ length: Math.min(q.limit, 1000 - q.offset) }, (_, i) =>
          makeRow({ id: `r${q.offset + i}`, title: `Row ${q.offset + i}` }),
        );
        return makePage(rows, 1000, q.offset);
      },
      workspace_summary: () => makeSummary(),
    });
    renderWithClient(<WorkItemsView />);
    await screen.findAllByTestId("items-row");
    const scroller = screen.getByTestId("items-grid").parentElement as HTMLElement;
    scroller.scrollTop = 999 * 38;
    fireEvent.scroll(scroller);
    await waitFor(() => expect(queries(calls).some((q) => q.offset === 800)).toBe(true));
    expect(await screen.findByText("Row 999")).toBeInTheDocument();
  });
});
