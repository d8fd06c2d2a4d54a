import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { clearMocks, makePage, makeRow, makeSource, makeSummary, mockBackend } from "../lib/ipc/testing";
import { App, createQueryClient } from "./App";

afterEach(() => {
  cleanup();
  clearMocks();
});

const workspace = { path: "/home/lead/acme.baton", name: "acme", isDemo: false, readOnly: false };
const settings = { theme: "system", recent: [], dataDir: "/tmp/baton", version: "0.1.0" };

function backend(over: Parameters<typeof mockBackend>[0] = {}) {
  return mockBackend({
    app_startup: () => ({ workspace, openError: null, settingsNotice: null }),
    workspace_current: () => workspace,
    workspace_summary: () => makeSummary({ name: "acme" }),
    settings_get: () => settings,
    overview_attention: () => {
      throw { code: "internal", message: "not in this test" };
    },
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
    sources_list: () => [],
    items_list: (args) => {
      const q = args.query as { text: string | null };
      return q.text === "refund"
        ? makePage([makeRow({ id: "i7", key: "PAY-7", title: "Refund twice" })], 1)
        : makePage([], 0);
    },
    ...over,
  });
}

describe("Command palette", () => {
  it("goes to a page, an item, a team and an intent from the keyboard alone", async () => {
    backend();
    const user = userEvent.setup();
    render(<App client={createQueryClient()} />);
    await screen.findByTestId("workspace-name");

    // A page: Ctrl+K, type, Enter.
    await user.keyboard("{Control>}k{/Control}");
    const input = await screen.findByTestId("palette-input");
    expect(input).toHaveFocus();
    await user.keyboard("bottlenecks");
    await user.keyboard("{Enter}");
    await waitFor(() => expect(window.location.hash).toBe("#/bottlenecks"));
    expect(screen.queryByTestId("palette")).toBeNull();

    // An item, found by its title through Rust's search.
    await user.keyboard("{Control>}k{/Control}");
    await user.keyboard("refund");
    const item = await screen.findByTestId("palette-item");
    expect(item).toHaveTextContent("Refund twice");
    // The search result is the only match: it is the active option, Enter opens it.
    await waitFor(() => expect(item).toHaveAttribute("data-selected", "true"));
    await user.keyboard("{Enter}");
    await waitFor(() => expect(window.location.hash).toBe("#/items?q=refund&item=i7"));

    // A team: its items.
    await user.keyboard("{Control>}k{/Control}");
    await user.keyboard("team payments");
    const team = await screen.findByTestId("palette-team");
    await waitFor(() => expect(team).toHaveAttribute("data-selected", "true"));
    await user.keyboard("{Enter}");
    await waitFor(() => expect(window.location.hash).toContain("team="));

    // An intent: ↓ moves through the list, Enter picks.
    await user.keyboard("{Control>}k{/Control}");
    await user.keyboard("grow");
    const intent = await screen.findByTestId("palette-intent");
    await waitFor(() => expect(intent).toHaveAttribute("data-selected", "true"));
    await user.keyboard("{Enter}");
    await waitFor(() => expect(window.location.hash).toBe("#/items?intent=g-rev"));
  }, 30_000);

  it("runs an action from the keyboard alone: a source's sync, then the dark theme", async () => {
    const calls = backend({
      sources_list: () => [makeSource({ id: "s1", name: "Acme GitHub" })],
      sources_sync_now: () => null,
      settings_set_theme: () => null,
    });
    const user = userEvent.setup();
    render(<App client={createQueryClient()} />);
    await screen.findByTestId("workspace-name");

    await user.keyboard("{Control>}k{/Control}");
    await user.keyboard("sync acme");
    const sync = await screen.findByTestId("palette-sync");
    expect(sync).toHaveTextContent("Sync “Acme GitHub” now");
    await waitFor(() => expect(sync).toHaveAttribute("data-selected", "true"));
    await user.keyboard("{Enter}");
    await waitFor(() => expect(calls.filter((c) => c.cmd === "sources_sync_now")).toHaveLength(1));
    expect(calls.find((c) => c.cmd === "sources_sync_now")?.args).toMatchObject({ id: "s1" });
    expect(screen.queryByTestId("palette")).toBeNull();

    await user.keyboard("{Control>}k{/Control}");
    await user.keyboard("dark theme");
    const dark = await screen.findByTestId("palette-theme-dark");
    await waitFor(() => expect(dark).toHaveAttribute("data-selected", "true"));
    await user.keyboard("{Enter}");
    await waitFor(() =>
      expect(calls.find((c) => c.cmd === "settings_set_theme")?.args).toMatchObject({ theme: "dark" }),
    );
  }, 30_000);

  it("opens from the header button and closes on Escape, giving focus back", async () => {
    backend();
    render(<App client={createQueryClient()} />);
    await screen.findByTestId("workspace-name");
    const button = screen.getByTestId("palette-open");
    button.focus();
    fireEvent.click(button);
    const palette = await screen.findByTestId("palette");
    expect(within(palette).getByTestId("palette-page-overview")).toBeInTheDocument();
    fireEvent.keyDown(screen.getByTestId("palette-input"), { key: "Escape" });
    await waitFor(() => expect(screen.queryByTestId("palette")).toBeNull());
    await waitFor(() => expect(button).toHaveFocus());
  });
});
