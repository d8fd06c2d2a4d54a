import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { ConflictRulesView, SensitivePathRule } from "../lib/ipc";
import { clearMocks, mockBackend } from "../lib/ipc/testing";
import { renderWithClient } from "../test/render";
import { ConflictRulesSettings } from "./ConflictRules";

afterEach(() => clearMocks());

const TEAMS = [
  { id: "t-pay", name: "Payments" },
  { id: "t-plat", name: "Platform" },
  { id: "t-sec", name: "Security" },
];

function view(partial: Partial<ConflictRulesView> = {}): ConflictRulesView {
  return {
    ownerRules: [],
    sensitive: [
      { pattern: "**/security/", label: "security", reviewerTeamId: null },
      { pattern: "**/payments/", label: "payments", reviewerTeamId: null },
    ],
    sensitiveDefaults: true,
    sensitiveUpdatedBy: null,
    sensitiveUpdatedAt: null,
    seenOwners: [
      { owner: "@acme/payments", repositories: 2, teamId: "t-pay", teamName: "Payments", byRule: false },
      { owner: "@acme/<b>core</b>", repositories: 1, teamId: null, teamName: null, byRule: false },
    ],
    teams: TEAMS,
    ...partial,
  };
}

describe("Settings → Conflicts", () => {
  it("maps an owner to a team, removes the rule, and adds one for an owner not seen", async () => {
    let current = view();
    const calls = mockBackend({
      conflicts_rules: () => current,
      conflicts_set_owner_rule: (args) => {
        const owner = String(args.owner);
        const teamId = (args.teamId as string | null) ?? null;
        const rules = current.ownerRules.filter((r) => r.owner !== owner);
        if (teamId) {
          rules.push({
            owner,
            teamId,
            teamName: TEAMS.find((t) => t.id === teamId)?.name ?? teamId,
            updatedBy: "lead",
            updatedAt: "2026-04-02T10:00:00.000Z",
          });
        }
        current = { ...current, ownerRules: rules };
        return current;
      },
    });
    const { container } = renderWithClient(<ConflictRulesSettings />);
    const table = await screen.findByTestId("conflict-owner-rules");
    const rows = within(table).getAllByTestId("conflict-owner-row");
    expect(rows.map((r) => r.dataset.owner)).toEqual(["@acme/<b>core</b>", "@acme/payments"]);
    expect(container.querySelector("b"), "owners are text").toBeNull();
    const select = within(rows[0] as HTMLElement).getByTestId("conflict-owner-team");
    expect(select).toHaveDisplayValue("By its name: no team");

    fireEvent.change(select, { target: { value: "t-plat" } });
    await waitFor(() =>
      expect(calls.find((c) => c.cmd === "conflicts_set_owner_rule")?.args).toEqual({
        owner: "@acme/<b>core</b>",
        teamId: "t-plat",
      }),
    );
    await waitFor(() => expect(screen.getAllByTestId("conflict-owner-row")[0]).toHaveTextContent("by lead"));

    fireEvent.change(
      within(screen.getAllByTestId("conflict-owner-row")[0] as HTMLElement).getByTestId(
        "conflict-owner-team",
      ),
      {
        target: { value: "" },
      },
    );
    await waitFor(() =>
      expect(calls.filter((c) => c.cmd === "conflicts_set_owner_rule").at(-1)?.args).toEqual({
        owner: "@acme/<b>core</b>",
        teamId: null,
      }),
    );

    fireEvent.change(screen.getByTestId("conflict-owner-input"), { target: { value: " jdoe@example.com " } });
    fireEvent.change(screen.getByTestId("conflict-owner-new-team"), { target: { value: "t-sec" } });
    fireEvent.click(screen.getByRole("button", { name: "Add rule" }));
    await waitFor(() =>
      expect(calls.filter((c) => c.cmd === "conflicts_set_owner_rule").at(-1)?.args).toEqual({
        owner: "jdoe@example.com",
        teamId: "t-sec",
      }),
    );
    expect(await screen.findByText("jdoe@example.com")).toBeInTheDocument();
  });

  it("edits the sensitive paths as a whole set, with their reviewer, and says who saved them", async () => {
    let current = view();
    const calls = mockBackend({
      conflicts_rules: () => current,
      conflicts_set_sensitive_paths: (args) => {
        current = {
          ...current,
          sensitive: args.paths as SensitivePathRule[],
          sensitiveDefaults: false,
          sensitiveUpdatedBy: "lead",
          sensitiveUpdatedAt: "2026-04-02T10:00:00.000Z",
        };
        return current;
      },
      conflicts_set_owner_rule: () => current,
    });
    renderWithClient(<ConflictRulesSettings />);
    expect(await screen.findByTestId("conflict-sensitive-origin")).toHaveTextContent("The defaults");
    const save = screen.getByTestId("conflict-sensitive-save");
    expect(save).toBeDisabled();

    // Remove the payments path, make security need the Security team, add migrations.
    fireEvent.click(screen.getAllByTestId("conflict-sensitive-remove")[1] as HTMLElement);
    fireEvent.change(screen.getAllByTestId("conflict-sensitive-reviewer")[0] as HTMLElement, {
      target: { value: "t-sec" },
    });
    fireEvent.click(screen.getByTestId("conflict-sensitive-add"));
    fireEvent.change(screen.getAllByTestId("conflict-sensitive-pattern")[1] as HTMLElement, {
      target: { value: " /db/migrations/ " },
    });
    fireEvent.change(screen.getAllByTestId("conflict-sensitive-label")[1] as HTMLElement, {
      target: { value: "migrations" },
    });
    expect(save).toBeEnabled();
    fireEvent.click(save);
    await waitFor(() =>
      expect(calls.find((c) => c.cmd === "conflicts_set_sensitive_paths")?.args).toEqual({
        paths: [
          { pattern: "**/security/", label: "security", reviewerTeamId: "t-sec" },
          { pattern: "/db/migrations/", label: "migrations", reviewerTeamId: null },
        ],
      }),
    );
    expect(await screen.findByTestId("conflict-sensitive-origin")).toHaveTextContent("Saved by lead");

    // Every path removed is a set too: none is sensitive.
    while (screen.queryAllByTestId("conflict-sensitive-remove").length > 0) {
      fireEvent.click(screen.getAllByTestId("conflict-sensitive-remove")[0] as HTMLElement);
    }
    expect(screen.getByText("No path is sensitive.")).toBeInTheDocument();
    fireEvent.click(screen.getByTestId("conflict-sensitive-save"));
    await waitFor(() =>
      expect(calls.filter((c) => c.cmd === "conflicts_set_sensitive_paths").at(-1)?.args).toEqual({
        paths: [],
      }),
    );
  });

  it("shows an error the Rust side gives", async () => {
    mockBackend({
      conflicts_rules: () => view(),
      conflicts_set_sensitive_paths: () => {
        throw { code: "invalid", message: '"a b": a pattern has no spaces' };
      },
    });
    renderWithClient(<ConflictRulesSettings />);
    fireEvent.click(await screen.findByTestId("conflict-sensitive-add"));
    fireEvent.change(screen.getAllByTestId("conflict-sensitive-pattern")[2] as HTMLElement, {
      target: { value: "a b" },
    });
    fireEvent.click(screen.getByTestId("conflict-sensitive-save"));
    expect(await screen.findByRole("alert")).toHaveTextContent(
      'The sensitive paths were not saved: "a b": a pattern has no spaces',
    );
  });
});
