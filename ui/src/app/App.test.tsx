import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { clearMocks, makeSummary, mockBackend } from "../lib/ipc/testing";
import { App, createQueryClient } from "./App";

afterEach(() => {
  cleanup();
  clearMocks();
});

const workspace = { path: "/home/lead/acme.baton", name: "acme", isDemo: false, readOnly: false };
const settings = { theme: "system", recent: [], dataDir: "/tmp/baton", version: "0.1.0" };

describe("App", () => {
  it("starts on the reopened workspace and shows the settings notice until dismissed", async () => {
    mockBackend({
      app_startup: () => ({
        workspace,
        openError: null,
        settingsNotice: "The settings file was damaged and was reset.",
      }),
      workspace_current: () => workspace,
      workspace_summary: () => makeSummary({ name: "acme" }),
      settings_get: () => settings,
    });
    render(<App client={createQueryClient()} />);
    expect(await screen.findByTestId("workspace-name")).toHaveTextContent("acme");
    expect(window.__batonMounted).toBe(true);
    const notice = screen.getByTestId("settings-notice");
    expect(notice).toHaveTextContent("The settings file was damaged and was reset.");
    fireEvent.click(screen.getByRole("button", { name: "Dismiss" }));
    expect(screen.queryByTestId("settings-notice")).toBeNull();
  });

  it("says when the workspace is read-only, in the header and in a notice", async () => {
    const readOnly = { ...workspace, path: "/mnt/archive/acme.baton", readOnly: true };
    mockBackend({
      app_startup: () => ({ workspace: readOnly, openError: null, settingsNotice: null }),
      workspace_current: () => readOnly,
      workspace_summary: () => makeSummary({ name: "acme" }),
      settings_get: () => settings,
    });
    render(<App client={createQueryClient()} />);
    const notice = await screen.findByTestId("read-only-notice");
    expect(notice).toHaveTextContent("This workspace is read-only");
    expect(notice).toHaveTextContent("/mnt/archive/acme.baton");
    expect(notice).toHaveTextContent("syncing sources and changing teams, rules or the workflow are off");
    expect(screen.getByTestId("read-only-tag")).toHaveTextContent("Read-only");
    fireEvent.click(screen.getByRole("button", { name: "Dismiss" }));
    expect(screen.queryByTestId("read-only-notice")).toBeNull();
    expect(screen.getByTestId("read-only-tag")).toBeInTheDocument();
  });

  it("shows no read-only notice for a workspace that can be written", async () => {
    mockBackend({
      app_startup: () => ({ workspace, openError: null, settingsNotice: null }),
      workspace_current: () => workspace,
      workspace_summary: () => makeSummary({ name: "acme" }),
      settings_get: () => settings,
    });
    render(<App client={createQueryClient()} />);
    expect(await screen.findByTestId("workspace-name")).toHaveTextContent("acme");
    expect(screen.queryByTestId("read-only-notice")).toBeNull();
    expect(screen.queryByTestId("read-only-tag")).toBeNull();
  });

  it("explains why the last workspace could not be reopened, with actions", async () => {
    mockBackend({
      app_startup: () => ({
        workspace: null,
        openError: {
          code: "workspace_not_baton",
          message: "/home/lead/x.baton is not a Baton workspace: file is not a database",
        },
        settingsNotice: null,
      }),
      workspace_current: () => null,
      settings_get: () => settings,
    });
    render(<App client={createQueryClient()} />);
    const banner = await screen.findByTestId("startup-open-error");
    expect(banner).toHaveTextContent("/home/lead/x.baton is not a Baton workspace: file is not a database");
    expect(screen.getByTestId("no-workspace")).toBeInTheDocument();
    expect(screen.getAllByRole("button", { name: /Open the demo/ }).length).toBeGreaterThan(0);
  });

  it("shows Rust's message when opening a workspace fails", async () => {
    mockBackend({
      app_startup: () => ({ workspace, openError: null, settingsNotice: null }),
      workspace_current: () => workspace,
      workspace_summary: () => makeSummary({ name: "acme" }),
      settings_get: () => settings,
      workspace_pick_file: () => "/tmp/notes.baton",
      workspace_open: () => {
        throw {
          code: "workspace_newer_schema",
          message: "/tmp/notes.baton was written by a newer version of Baton",
        };
      },
    });
    render(<App client={createQueryClient()} />);
    fireEvent.keyDown(await screen.findByTestId("workspace-menu"), { key: "Enter" });
    fireEvent.click(screen.getByRole("menuitem", { name: /Open workspace/ }));
    expect(await screen.findByTestId("workspace-error")).toHaveTextContent(
      "/tmp/notes.baton was written by a newer version of Baton",
    );
  });

  it("gives every view a navigation entry, and opens the Intents page", async () => {
    mockBackend({
      app_startup: () => ({ workspace, openError: null, settingsNotice: null }),
      workspace_current: () => workspace,
      workspace_summary: () => makeSummary({ name: "acme" }),
      settings_get: () => settings,
    });
    render(<App client={createQueryClient()} />);
    await screen.findByTestId("workspace-name");
    for (const view of [
      "overview",
      "items",
      "flow",
      "bottlenecks",
      "dependencies",
      "triage",
      "intents",
      "plans",
      "sources",
      "settings",
    ]) {
      expect(screen.getByTestId(`nav-${view}`)).toBeInTheDocument();
    }
    window.location.hash = "#/intents";
    window.dispatchEvent(new HashChangeEvent("hashchange"));
    expect(await screen.findByTestId("view-intents")).toHaveTextContent("Which goals");
  });
});
