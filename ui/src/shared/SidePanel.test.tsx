import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { useState } from "react";
import { describe, expect, it } from "vitest";
import { SidePanel } from "./SidePanel";

function Page() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" onClick={() => setOpen(true)}>
        open
      </button>
      <button type="button">elsewhere</button>
      {open ? (
        <SidePanel label="Item detail" title={<h2>PAY-1</h2>} onClose={() => setOpen(false)} testId="panel">
          <button type="button">inside</button>
        </SidePanel>
      ) : null}
    </>
  );
}

describe("SidePanel", () => {
  it("takes the focus, stays open while the page is used, closes on Escape and gives the focus back", async () => {
    render(<Page />);
    const opener = screen.getByRole("button", { name: "open" });
    opener.focus();
    fireEvent.click(opener);
    const panel = await screen.findByRole("dialog", { name: "Item detail" });
    await waitFor(() => expect(panel).toHaveFocus());
    // A click on the page behind does not close it (the page stays usable).
    fireEvent.pointerDown(screen.getByRole("button", { name: "elsewhere" }));
    expect(screen.getByTestId("panel")).toBeInTheDocument();
    fireEvent.keyDown(panel, { key: "Escape" });
    await waitFor(() => expect(screen.queryByTestId("panel")).toBeNull());
    await waitFor(() => expect(opener).toHaveFocus());
  });
});
