import { fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { clearMocks, mockBackend } from "../lib/ipc/testing";
import { resolveTheme, ThemeController } from "../settings/theme";
import { renderWithClient } from "../test/render";
import { WorkspaceActionsProvider } from "../workspace/actions";
import { SettingsView } from "./SettingsView";

afterEach(() => clearMocks());

describe("Settings", () => {
  it("shows the workspace, recent workspaces and version, and saves the theme", async () => {
    let theme = "system";
    const calls = mockBackend({
      settings_get: () => ({
        theme,
        recent: [
          { path: "/w/acme.baton", name: "acme", openedAt: "2026-01-01T00:00:00.000Z", exists: true },
          { path: "/w/old.baton", name: "old", openedAt: "2025-01-01T00:00:00.000Z", exists: false },
        ],
        dataDir: "/home/lead/.local/share/dev.baton.desktop",
        version: "0.1.0",
      }),
      settings_set_theme: (args) => {
        theme = String(args.theme);
        return null;
      },
      workspace_current: () => ({ path: "/w/acme.baton", name: "acme", isDemo: false, readOnly: false }),
    });
    renderWithClient(
      <ThemeController>
        <WorkspaceActionsProvider>
          <SettingsView />
        </WorkspaceActionsProvider>
      </ThemeController>,
    );
    expect(await screen.findByTestId("settings-workspace-path")).toHaveTextContent("/w/acme.baton");
    expect(screen.getByTestId("settings-version")).toHaveTextContent("0.1.0");
    expect(screen.getByText("missing")).toBeInTheDocument();

    fireEvent.click(screen.getByTestId("theme-dark"));
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe("dark"));
    expect(calls.find((c) => c.cmd === "settings_set_theme")?.args).toEqual({ theme: "dark" });
  });

  it("chooses the time zone days are counted in, and goes back to the computer's", async () => {
    let timeZone: string | null = null;
    const calls = mockBackend({
      settings_get: () => ({ theme: "system", timeZone, recent: [], dataDir: "/d", version: "0.1.0" }),
      settings_set_time_zone: (args) => {
        timeZone = (args.timeZone as string | null) ?? null;
        return null;
      },
      workspace_current: () => ({ path: "/w/acme.baton", name: "acme", isDemo: false, readOnly: false }),
    });
    renderWithClient(
      <ThemeController>
        <WorkspaceActionsProvider>
          <SettingsView />
        </WorkspaceActionsProvider>
      </ThemeController>,
    );
    const select = await screen.findByTestId("settings-time-zone");
    expect(select).toHaveValue("");
    fireEvent.change(select, { target: { value: "Asia/Tokyo" } });
    await waitFor(() =>
      expect(calls.find((c) => c.cmd === "settings_set_time_zone")?.args).toEqual({ timeZone: "Asia/Tokyo" }),
    );
    expect(screen.getByTestId("settings-time-zone")).toHaveValue("Asia/Tokyo");
    fireEvent.change(screen.getByTestId("settings-time-zone"), { target: { value: "" } });
    await waitFor(() =>
      expect(calls.filter((c) => c.cmd === "settings_set_time_zone").at(-1)?.args).toEqual({
        timeZone: null,
      }),
    );
  });
});

describe("Settings → Triage", () => {
  it("turns a reason's notifications on, and records new thresholds with why", async () => {
    let notify: string[] = [];
    const calls = mockBackend({
      settings_get: () => ({ theme: "system", recent: [], dataDir: "/d", version: "0.1.0" }),
      workspace_current: () => ({ path: "/w/acme.baton", name: "acme", isDemo: false, readOnly: false }),
      triage_thresholds_get: () => ({
        reviewWaitDays: 2,
        mergedWindowDays: 30,
        idleDays: 14,
        newWorkDays: 30,
      }),
      triage_thresholds_set: (args) => args.thresholds,
      triage_settings_get: () => ({ notify, name: "" }),
      triage_settings_set: (args) => {
        notify = (args.settings as { notify: string[] }).notify;
        return args.settings;
      },
    });
    renderWithClient(
      <ThemeController>
        <WorkspaceActionsProvider>
          <SettingsView />
        </WorkspaceActionsProvider>
      </ThemeController>,
    );
    const box = await screen.findByTestId("notify-ai_unreviewed");
    expect(box).not.toBeChecked();
    fireEvent.click(box);
    await waitFor(() => expect(screen.getByTestId("notify-ai_unreviewed")).toBeChecked());
    expect(calls.find((c) => c.cmd === "triage_settings_set")?.args.settings).toEqual({
      notify: ["ai_unreviewed"],
      name: "",
    });

    fireEvent.change(screen.getByTestId("threshold-idleDays"), { target: { value: "21" } });
    fireEvent.click(screen.getByRole("button", { name: "Save thresholds" }));
    await waitFor(() => expect(calls.some((c) => c.cmd === "triage_thresholds_set")).toBe(true));
    expect(calls.find((c) => c.cmd === "triage_thresholds_set")?.args).toEqual({
      thresholds: { reviewWaitDays: 2, mergedWindowDays: 30, idleDays: 21, newWorkDays: 30 },
      why: "",
    });
  });
});

describe("Settings → Conflicts", () => {
  it("opens from its tab and shows the conflict rules", async () => {
    window.location.hash = "#/settings";
    mockBackend({
      settings_get: () => ({ theme: "system", recent: [], dataDir: "/d", version: "0.1.0" }),
      workspace_current: () => ({ path: "/w/acme.baton", name: "acme", isDemo: false, readOnly: false }),
      triage_thresholds_get: () => ({
        reviewWaitDays: 2,
        mergedWindowDays: 30,
        idleDays: 14,
        newWorkDays: 30,
      }),
      triage_settings_get: () => ({ notify: [], name: "" }),
      conflicts_rules: () => ({
        ownerRules: [],
        sensitive: [{ pattern: "**/payments/", label: "payments", reviewerTeamId: null }],
        sensitiveDefaults: true,
        sensitiveUpdatedBy: null,
        sensitiveUpdatedAt: null,
        seenOwners: [
          { owner: "@acme/payments", repositories: 1, teamId: "t1", teamName: "Payments", byRule: false },
        ],
        teams: [{ id: "t1", name: "Payments" }],
      }),
    });
    renderWithClient(
      <ThemeController>
        <WorkspaceActionsProvider>
          <SettingsView />
        </WorkspaceActionsProvider>
      </ThemeController>,
    );
    fireEvent.click(await screen.findByTestId("settings-tab-conflicts"));
    await waitFor(() => expect(window.location.hash).toBe("#/settings?tab=conflicts"));
    expect(await screen.findByTestId("conflict-rules")).toBeInTheDocument();
    expect(screen.getByTestId("settings-tab-conflicts")).toHaveAttribute("aria-selected", "true");
    expect(screen.getAllByTestId("conflict-owner-row")).toHaveLength(1);
    window.location.hash = "";
  });
});

describe("resolveTheme", () => {
  it("follows the system only when asked to", () => {
    expect(resolveTheme("system", true)).toBe("dark");
    expect(resolveTheme("system", false)).toBe("light");
    expect(resolveTheme("light", true)).toBe("light");
    expect(resolveTheme("dark", false)).toBe("dark");
  });
});
