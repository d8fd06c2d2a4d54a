import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { FlowFilter, IntentInfo } from "../lib/ipc";
import { clearMocks, makeFilter, makeSummary, mockBackend } from "../lib/ipc/testing";
import { renderWithClient } from "../test/render";
import { FlowFilterBar } from "./FlowFilterBar";
import { intentTree } from "./intents";

afterEach(() => clearMocks());

const INTENTS: IntentInfo[] = [
  {
    id: "i-web",
    parentId: "g-rev",
    kind: "initiative",
    title: "New checkout",
    label: "New checkout",
    items: 12,
    itemsWithDescendants: 12,
  },
  {
    id: "g-rev",
    parentId: null,
    kind: "goal",
    title: "Grow revenue",
    label: "Grow revenue",
    items: 2,
    itemsWithDescendants: 20,
  },
  {
    id: "g-ops",
    parentId: null,
    kind: "goal",
    title: "Calmer on-call",
    label: "Calmer on-call",
    items: 4,
    itemsWithDescendants: 4,
  },
  {
    id: "i-eu",
    parentId: "g-rev",
    kind: "initiative",
    title: "EU launch",
    label: "EU launch · Acme Linear",
    items: 6,
    itemsWithDescendants: 6,
  },
];

function renderBar(filter: FlowFilter, onChange = vi.fn()) {
  mockBackend({ intents_list: () => INTENTS });
  renderWithClient(
    <FlowFilterBar
      filter={filter}
      onChange={onChange}
      summary={makeSummary()}
      range={undefined}
      updating={false}
    />,
  );
  return onChange;
}

describe("intent tree", () => {
  it("puts each goal before its initiatives, indented, and survives a parent cycle", () => {
    const lines = intentTree(INTENTS);
    expect(lines.map((l) => [l.intent.id, l.depth])).toEqual([
      ["g-ops", 0],
      ["g-rev", 0],
      ["i-eu", 1],
      ["i-web", 1],
    ]);
    const cyclic = intentTree([
      { ...INTENTS[0], id: "a", parentId: "b" } as IntentInfo,
      { ...INTENTS[0], id: "b", parentId: "a" } as IntentInfo,
    ]);
    expect(cyclic.map((l) => l.intent.id).sort()).toEqual(["a", "b"]);
  });
});

describe("Flow filter bar", () => {
  it("builds FlowFilter.intents from the Intents picker, in tree order", async () => {
    const onChange = renderBar(makeFilter({ intents: ["i-web"] }));
    fireEvent.click(screen.getByTestId("flow-filter-intent"));
    const list = await screen.findByTestId("flow-filter-intent-list");
    const options = await within(list).findAllByTestId("flow-filter-intent-option");
    expect(options.map((o) => [o.getAttribute("data-id"), o.getAttribute("data-depth")])).toEqual([
      ["g-ops", "0"],
      ["g-rev", "0"],
      ["i-eu", "1"],
      ["i-web", "1"],
    ]);
    expect(options[1]).toHaveTextContent("Grow revenue");
    expect(options[1]).toHaveTextContent("20");
    // Named by its label, which tells it apart from intents of the same title.
    expect(options[2]).toHaveTextContent("EU launch · Acme Linear");
    fireEvent.click(options[0] as HTMLElement);
    expect(onChange).toHaveBeenLastCalledWith({ intents: ["g-ops", "i-web"] });
  });

  it("shows initiatives under a chosen goal as included", async () => {
    renderBar(makeFilter({ intents: ["g-rev"] }));
    await waitFor(() =>
      expect(screen.getByTestId("flow-filter-intent")).toHaveAccessibleName("Intents filter: Grow revenue"),
    );
    fireEvent.click(screen.getByTestId("flow-filter-intent"));
    const options = await screen.findAllByTestId("flow-filter-intent-option");
    const eu = options[2] as HTMLElement;
    expect(eu).toHaveAttribute("aria-checked", "true");
    expect(eu).toHaveAttribute("aria-disabled", "true");
  });

  it("sets lastDays for a preset (a rolling range) and fixed dates for a custom range", () => {
    const onChange = renderBar(makeFilter());
    fireEvent.click(screen.getByTestId("flow-filter-range"));
    fireEvent.click(screen.getByTestId("flow-filter-preset-30"));
    expect(onChange).toHaveBeenLastCalledWith({ from: null, to: null, lastDays: 30 });

    fireEvent.click(screen.getByTestId("flow-filter-range"));
    fireEvent.change(screen.getByTestId("flow-filter-from"), { target: { value: "2026-01-01" } });
    fireEvent.change(screen.getByTestId("flow-filter-to"), { target: { value: "2026-01-31" } });
    fireEvent.click(screen.getByTestId("flow-filter-apply"));
    expect(onChange).toHaveBeenLastCalledWith({ from: "2026-01-01", to: "2026-01-31", lastDays: null });
  });

  it("names a rolling range by its days and a custom range by its dates", () => {
    renderBar(makeFilter({ lastDays: 180 }));
    expect(screen.getByTestId("flow-filter-range")).toHaveTextContent("Last 180 days");
    clearMocks();
    document.body.innerHTML = "";
    renderBar(makeFilter({ from: "2026-01-01", to: "2026-01-31" }));
    const label = screen.getByTestId("flow-filter-range").textContent ?? "";
    expect(label).toMatch(/2026.*–.*2026/);
    expect(label).not.toMatch(/Last/);
  });
});

describe("the cycle rule", () => {
  it("is chosen by what it means, explained in plain words beside the choice", () => {
    const onChange = renderBar(makeFilter({ rule: "last_entry" }));
    const last = screen.getByTestId("flow-filter-rule-last_entry");
    const first = screen.getByTestId("flow-filter-rule-first_entry");
    // The choices say what they do, not the rule's name.
    expect(last).toHaveAccessibleName("Reopened work counts again");
    expect(first).toHaveAccessibleName("Done once, done for good");
    expect(last).toBeChecked();
    expect(screen.getByTestId("flow-filter-rule-summary")).toHaveTextContent(
      "An item reopened after Done is unfinished work again",
    );
    // "Last entry" and "First entry" (the words in the docs and the CSV) are explained where chosen.
    const hint = screen.getByTestId("flow-filter-rule-hint");
    expect(hint).toHaveAccessibleDescription(
      /\("last entry"\): An item finishes at its last entry into Done/,
    );
    expect(hint).toHaveAccessibleDescription(
      /\("first entry"\): An item finishes at its first entry into Done/,
    );
    fireEvent.click(first);
    expect(onChange).toHaveBeenLastCalledWith({ rule: "first_entry" });
  });

  it("says what the other rule means once it is chosen", () => {
    renderBar(makeFilter({ rule: "first_entry" }));
    expect(screen.getByTestId("flow-filter-rule-summary")).toHaveTextContent(
      "An item counts as finished the first time it reached Done, even if it was reopened later.",
    );
  });
});

describe("the date range picker", () => {
  it("moves between its ready-made ranges with the arrow keys and picks one with Enter", async () => {
    const user = userEvent.setup();
    const onChange = renderBar(makeFilter());
    await user.click(screen.getByTestId("flow-filter-range"));
    const first = await screen.findByTestId("flow-filter-preset-30");
    first.focus();
    await user.keyboard("{ArrowRight}");
    expect(screen.getByTestId("flow-filter-preset-90")).toHaveFocus();
    await user.keyboard("{ArrowDown}{ArrowDown}{ArrowDown}");
    expect(screen.getByTestId("flow-filter-preset-default")).toHaveFocus();
    // It wraps at the ends.
    await user.keyboard("{ArrowRight}");
    expect(first).toHaveFocus();
    await user.keyboard("{ArrowLeft}{ArrowLeft}");
    expect(screen.getByTestId("flow-filter-preset-365")).toHaveFocus();
    await user.keyboard("{Enter}");
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ lastDays: 365 }));
  });
});
