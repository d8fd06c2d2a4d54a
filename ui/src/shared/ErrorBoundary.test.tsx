import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { ViewErrorBoundary } from "./ErrorBoundary";

const state = { fail: true };

function Flaky() {
  if (state.fail) throw new Error("summary.byTeam is undefined");
  return <p>View content</p>;
}

describe("ViewErrorBoundary", () => {
  it("shows the error instead of a blank view, and Reload view renders the view again", () => {
    const onReload = vi.fn();
    const quiet = vi.spyOn(console, "error").mockImplementation(() => {});
    render(
      <ViewErrorBoundary name="Overview" onReload={onReload}>
        <Flaky />
      </ViewErrorBoundary>,
    );
    const crash = screen.getByTestId("view-error");
    expect(crash).toHaveTextContent("The Overview view stopped working");
    expect(crash).toHaveTextContent("summary.byTeam is undefined");

    state.fail = false;
    fireEvent.click(screen.getByRole("button", { name: /Reload view/ }));
    expect(onReload).toHaveBeenCalled();
    expect(screen.getByText("View content")).toBeInTheDocument();
    quiet.mockRestore();
  });
});
