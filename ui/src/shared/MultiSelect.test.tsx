import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it, vi } from "vitest";
import { MultiSelect } from "./MultiSelect";

const OPTIONS = [
  { value: "t1", label: "Payments", count: 12 },
  { value: "t2", label: "Platform", count: 7 },
  { value: "t3", label: "Search", count: 3 },
];

function Picker({ onChange }: { onChange: (v: string[]) => void }) {
  const [selected, setSelected] = useState<string[]>([]);
  return (
    <>
      <MultiSelect
        label="Team"
        testId="filter-team"
        options={OPTIONS}
        selected={selected}
        onChange={(v) => {
          setSelected(v);
          onChange(v);
        }}
      />
      <button type="button">after</button>
    </>
  );
}

describe("MultiSelect, by keyboard", () => {
  it("opens from its button, moves with the arrows, chooses with Enter and closes with Escape", async () => {
    const onChange = vi.fn();
    const user = userEvent.setup();
    render(<Picker onChange={onChange} />);
    await user.tab();
    const trigger = screen.getByTestId("filter-team");
    expect(trigger).toHaveFocus();
    await user.keyboard("{Enter}");
    const find = await screen.findByRole("combobox", { name: "Team" });
    await waitFor(() => expect(find).toHaveFocus());
    const options = screen.getAllByTestId("filter-team-option");
    // The first option is active; ↓ moves to the second, Enter chooses it.
    expect(options[0]).toHaveAttribute("data-selected", "true");
    await user.keyboard("{ArrowDown}");
    expect(options[1]).toHaveAttribute("data-selected", "true");
    await user.keyboard("{Enter}");
    expect(onChange).toHaveBeenLastCalledWith(["t2"]);
    expect(screen.getAllByTestId("filter-team-option")[1]).toHaveAttribute("aria-checked", "true");
    // Typing narrows the list; Enter chooses the match.
    await user.keyboard("sea");
    await waitFor(() => expect(screen.getAllByTestId("filter-team-option")).toHaveLength(1));
    await user.keyboard("{Enter}");
    expect(onChange).toHaveBeenLastCalledWith(["t2", "t3"]);
    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByRole("combobox", { name: "Team" })).toBeNull());
    await waitFor(() => expect(trigger).toHaveFocus());
    expect(trigger).toHaveAccessibleName("Team filter: 2 selected");
  });
});
