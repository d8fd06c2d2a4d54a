import { fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { clearMocks, makePage, makeRow, mockBackend } from "../lib/ipc/testing";
import { renderWithClient } from "../test/render";
import { ItemSearch } from "./ItemSearch";

afterEach(() => clearMocks());

function search(
  rows = [makeRow({ id: "a1", title: "<b>Refund</b> queue" }), makeRow({ id: "a2" })],
  total?: number,
) {
  const calls = mockBackend({ items_list: () => makePage(rows, total ?? rows.length) });
  const onPick = vi.fn();
  renderWithClient(<ItemSearch label="Target item" testId="s" onPick={onPick} />);
  return { calls, onPick, box: screen.getByTestId("s") };
}

describe("ItemSearch", () => {
  it("picks the second match with the arrow keys and Enter, and shows titles as text", async () => {
    const { onPick, box } = search();
    box.focus();
    fireEvent.change(box, { target: { value: "refund" } });
    const options = await screen.findAllByTestId("s-option", {}, { timeout: 2000 });
    expect(options).toHaveLength(2);
    expect(options[0]).toHaveTextContent("<b>Refund</b> queue");
    expect(options[0]?.querySelector("b")).toBeNull();
    expect(options[0]).toHaveAttribute("aria-selected", "true");
    fireEvent.keyDown(box, { key: "ArrowDown" });
    await waitFor(() =>
      expect(screen.getAllByTestId("s-option")[1]).toHaveAttribute("aria-selected", "true"),
    );
    fireEvent.keyDown(box, { key: "Enter" });
    expect(onPick).toHaveBeenCalledWith({ id: "a2", key: "A2", title: "Item a2" });
    await waitFor(() => expect(screen.queryByTestId("s-option")).toBeNull());
    expect(box).toHaveValue("");
  });

  it("closes the list on Escape and says when nothing matches or more do", async () => {
    const { box } = search([makeRow({ id: "a1" })], 30);
    box.focus();
    fireEvent.change(box, { target: { value: "a" } });
    expect(
      await screen.findByText("29 more match; type more of the key.", {}, { timeout: 2000 }),
    ).toBeVisible();
    fireEvent.keyDown(box, { key: "Escape" });
    await waitFor(() => expect(screen.queryByTestId("s-option")).toBeNull());
  });

  it("says when no item matches", async () => {
    const { box } = search([]);
    box.focus();
    fireEvent.change(box, { target: { value: "zzz" } });
    expect(await screen.findByText("No item matches “zzz”.", {}, { timeout: 2000 })).toBeVisible();
  });
});
