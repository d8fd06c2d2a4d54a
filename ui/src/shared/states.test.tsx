import { act, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { EmptyState, ErrorState, LoadingState, SLOW_MS } from "./states";

afterEach(() => vi.useRealTimers());

describe("states", () => {
  it("a loading state says when it is slow instead of spinning silently", () => {
    vi.useFakeTimers();
    render(<LoadingState label="Loading items…" slowAction={<button type="button">Reload</button>} />);
    expect(screen.getByRole("status")).toHaveTextContent("Loading items…");
    expect(screen.queryByText(/longer than usual/)).toBeNull();
    act(() => {
      vi.advanceTimersByTime(SLOW_MS + 1);
    });
    expect(screen.getByText(/longer than usual/)).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Reload" })).toBeInTheDocument();
  });

  it("an error state shows the message and a retry", () => {
    const retry = vi.fn();
    render(<ErrorState title="Could not load" error={new Error("disk I/O error")} onRetry={retry} />);
    expect(screen.getByRole("alert")).toHaveTextContent("disk I/O error");
    screen.getByRole("button", { name: /Try again/ }).click();
    expect(retry).toHaveBeenCalled();
  });

  it("an empty state explains itself", () => {
    render(<EmptyState title="No items yet">Connect a source.</EmptyState>);
    expect(screen.getByText("No items yet")).toBeInTheDocument();
    expect(screen.getByText("Connect a source.")).toBeInTheDocument();
  });
});
