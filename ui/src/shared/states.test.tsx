import { act, render, renderHook, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { EmptyState, ErrorState, LoadingState, SLOW_MS, STALE_SHOWN_MS, useAfterDelay } from "./states";

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

  it("a loading state out of view stops its spinner, and turns it again in view", () => {
    const observers: { callback: IntersectionObserverCallback; element?: Element; disconnected: boolean }[] =
      [];
    class FakeObserver {
      private readonly entry: (typeof observers)[number];
      constructor(callback: IntersectionObserverCallback) {
        this.entry = { callback, disconnected: false };
        observers.push(this.entry);
      }
      observe(element: Element) {
        this.entry.element = element;
      }
      disconnect() {
        this.entry.disconnected = true;
      }
    }
    vi.stubGlobal("IntersectionObserver", FakeObserver);
    try {
      const { unmount } = render(<LoadingState label="Loading who changes whose code…" />);
      const status = screen.getByRole("status");
      expect(observers).toHaveLength(1);
      expect(observers[0]?.element).toBe(status);
      expect(status).not.toHaveClass("is-offscreen");
      const say = (isIntersecting: boolean) =>
        act(() => {
          observers[0]?.callback(
            [{ isIntersecting, target: status } as unknown as IntersectionObserverEntry],
            {} as IntersectionObserver,
          );
        });
      say(false);
      expect(status).toHaveClass("is-offscreen");
      say(true);
      expect(status).not.toHaveClass("is-offscreen");
      unmount();
      expect(observers[0]?.disconnected).toBe(true);
    } finally {
      vi.unstubAllGlobals();
    }
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

  it("an update is shown as such only once it has taken a while, and not after it ends", () => {
    vi.useFakeTimers();
    const { result, rerender } = renderHook(({ on }) => useAfterDelay(on), { initialProps: { on: false } });
    expect(result.current).toBe(false);
    rerender({ on: true });
    act(() => {
      vi.advanceTimersByTime(STALE_SHOWN_MS - 1);
    });
    expect(result.current).toBe(false);
    // A quick update ends before the delay: nothing is ever shown, even once the delay has passed.
    rerender({ on: false });
    act(() => {
      vi.advanceTimersByTime(STALE_SHOWN_MS * 2);
    });
    expect(result.current).toBe(false);
    // A slow one is shown after the delay, and stops being shown at once when it ends.
    rerender({ on: true });
    act(() => {
      vi.advanceTimersByTime(STALE_SHOWN_MS);
    });
    expect(result.current).toBe(true);
    rerender({ on: false });
    expect(result.current).toBe(false);
  });
});
