import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { SourceInput } from "../lib/ipc";
import { type Call, clearMocks, makeSource, mockBackend } from "../lib/ipc/testing";
import { renderWithClient } from "../test/render";
import type { EditableSource } from "./draft";
import { SourceForm } from "./SourceForm";

afterEach(() => clearMocks());

const last = (calls: Call[], cmd: string) => calls.filter((c) => c.cmd === cmd).at(-1);

const GITLAB = makeSource({
  id: "g1",
  kind: "gitlab",
  name: "Acme GitLab",
  baseUrl: "https://gitlab.acme.com",
  scope: { kind: "gitlab", group: "acme/platform", projects: ["acme/web"] },
}) as EditableSource;

describe("SourceForm: GitLab", () => {
  it("adds a GitLab source: checks the paths, asks for read_api, tests and saves what Rust expects", async () => {
    const added = makeSource({ id: "g2", kind: "gitlab", name: "snowflake" });
    const calls = mockBackend({
      sources_add: () => added,
      sources_test_connection: () => ({
        ok: true,
        code: null,
        missingScope: null,
        message: "signed in as Baton Test (@baton-test) (1 scope entry checked)",
      }),
    });
    const onSaved = vi.fn();
    renderWithClient(<SourceForm source={null} otherNames={[]} onClose={() => {}} onSaved={onSaved} />);
    const form = screen.getByTestId("source-form");
    fireEvent.click(within(form).getByTestId("source-kind-gitlab"));
    expect(within(form).getByTestId("source-token-scopes")).toHaveTextContent("read_api");
    expect(within(form).queryByTestId("source-email")).toBeNull();

    fireEvent.click(within(form).getByTestId("source-save"));
    expect(await within(form).findByText(/Paste a GitLab access token/)).toBeInTheDocument();
    expect(within(form).getByText(/Name a group, list projects, or both/)).toBeInTheDocument();

    fireEvent.change(within(form).getByTestId("source-name"), { target: { value: "snowflake" } });
    fireEvent.change(within(form).getByTestId("source-gitlab-projects"), {
      target: { value: "https://gitlab.com/gitlab-data/snowflake_spend/-/issues\napi" },
    });
    fireEvent.change(within(form).getByTestId("source-token"), { target: { value: "glpat-SECRET" } });
    fireEvent.click(within(form).getByTestId("source-save"));
    expect(await within(form).findByText(/Not a project path like group\/project: api/)).toBeInTheDocument();
    expect(calls.some((c) => c.cmd === "sources_add")).toBe(false);

    fireEvent.change(within(form).getByTestId("source-gitlab-projects"), {
      target: { value: "https://gitlab.com/gitlab-data/snowflake_spend/-/issues" },
    });
    fireEvent.click(within(form).getByTestId("source-test"));
    expect(await within(form).findByTestId("source-test-ok")).toHaveTextContent("Baton Test");

    fireEvent.click(within(form).getByTestId("source-save"));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    const expected: SourceInput = {
      name: "snowflake",
      baseUrl: "",
      pollIntervalMinutes: 10,
      token: "glpat-SECRET",
      scope: { kind: "gitlab", group: null, projects: ["gitlab-data/snowflake_spend"] },
    };
    expect(last(calls, "sources_test_connection")?.args).toMatchObject({ id: null, input: expected });
    expect(last(calls, "sources_add")?.args.input).toEqual(expected);
  });

  it("edits a self-managed GitLab source, keeping the stored token", async () => {
    const calls = mockBackend({ sources_edit: () => GITLAB });
    renderWithClient(<SourceForm source={GITLAB} otherNames={[]} onClose={() => {}} onSaved={() => {}} />);
    const form = screen.getByTestId("source-form");
    expect(within(form).getByTestId("source-gitlab-url")).toHaveValue("https://gitlab.acme.com");
    expect(within(form).getByTestId("source-group")).toHaveValue("acme/platform");
    expect(within(form).getByTestId("source-gitlab-projects")).toHaveValue("acme/web");
    expect(within(form).getByTestId("source-token")).toHaveValue("");
    fireEvent.change(within(form).getByTestId("source-group"), { target: { value: "" } });
    fireEvent.change(within(form).getByTestId("source-gitlab-url"), { target: { value: "gitlab.acme.com" } });
    fireEvent.click(within(form).getByTestId("source-save"));
    expect(
      await within(form).findByText(/Enter a full address, like https:\/\/gitlab.example.com/),
    ).toBeInTheDocument();
    fireEvent.change(within(form).getByTestId("source-gitlab-url"), {
      target: { value: "https://gitlab.acme.com/" },
    });
    fireEvent.click(within(form).getByTestId("source-save"));
    await waitFor(() => expect(calls.some((c) => c.cmd === "sources_edit")).toBe(true));
    expect(last(calls, "sources_edit")?.args).toMatchObject({
      id: "g1",
      input: {
        baseUrl: "https://gitlab.acme.com",
        token: null,
        scope: { kind: "gitlab", group: null, projects: ["acme/web"] },
      },
    });
  });

  it("explains a wrong address for GitLab", async () => {
    mockBackend({
      sources_test_connection: () => ({
        ok: false,
        code: "wrong_url",
        missingScope: null,
        message: "https://example.com/api/v4/ does not answer like the GitLab API",
      }),
    });
    renderWithClient(<SourceForm source={GITLAB} otherNames={[]} onClose={() => {}} onSaved={() => {}} />);
    const form = screen.getByTestId("source-form");
    fireEvent.click(within(form).getByTestId("source-test"));
    const problem = await within(form).findByTestId("source-test-problem");
    expect(problem).toHaveTextContent("This address is not a GitLab instance");
    expect(problem).toHaveTextContent("does not answer like the GitLab API");
  });
});

describe("SourceForm: Linear", () => {
  it("adds a Linear source: checks the team keys, tests and saves the scope Rust expects", async () => {
    const added = makeSource({ id: "l2", kind: "linear", name: "acme on Linear" });
    const calls = mockBackend({
      sources_add: () => added,
      sources_test_connection: () => ({
        ok: true,
        code: null,
        missingScope: null,
        message: "signed in as Alice Martin in Acme (teams ENG, OPS)",
      }),
    });
    const onSaved = vi.fn();
    renderWithClient(<SourceForm source={null} otherNames={[]} onClose={() => {}} onSaved={onSaved} />);
    const form = screen.getByTestId("source-form");
    fireEvent.click(within(form).getByTestId("source-kind-linear"));
    expect(within(form).getByTestId("source-token-scopes")).toHaveTextContent("Personal API keys");
    expect(within(form).queryByTestId("source-email")).toBeNull();

    fireEvent.click(within(form).getByTestId("source-save"));
    expect(await within(form).findByText(/Paste a Linear personal API key/)).toBeInTheDocument();

    fireEvent.change(within(form).getByTestId("source-name"), { target: { value: "acme on Linear" } });
    fireEvent.change(within(form).getByTestId("source-linear-teams"), { target: { value: "eng, OPS-1" } });
    fireEvent.change(within(form).getByTestId("source-token"), { target: { value: "lin_api_SECRET" } });
    fireEvent.click(within(form).getByTestId("source-save"));
    expect(await within(form).findByText(/Not a team key .*: OPS-1/)).toBeInTheDocument();
    expect(calls.some((c) => c.cmd === "sources_add")).toBe(false);

    fireEvent.change(within(form).getByTestId("source-linear-teams"), { target: { value: "eng ops" } });
    fireEvent.click(within(form).getByTestId("source-test"));
    expect(await within(form).findByTestId("source-test-ok")).toHaveTextContent("Alice Martin in Acme");

    fireEvent.click(within(form).getByTestId("source-save"));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    const expected: SourceInput = {
      name: "acme on Linear",
      baseUrl: "",
      pollIntervalMinutes: 10,
      token: "lin_api_SECRET",
      scope: { kind: "linear", teams: ["ENG", "OPS"], oauth: false },
    };
    expect(last(calls, "sources_test_connection")?.args).toMatchObject({ id: null, input: expected });
    expect(last(calls, "sources_add")?.args.input).toEqual(expected);
  });

  it("edits a Linear source with an OAuth token, keeping the stored token", async () => {
    const source = makeSource({
      id: "l1",
      kind: "linear",
      name: "Linear",
      baseUrl: "https://api.linear.app",
      scope: { kind: "linear", teams: ["ENG"], oauth: true },
    }) as EditableSource;
    const calls = mockBackend({ sources_edit: () => source });
    const onSaved = vi.fn();
    renderWithClient(<SourceForm source={source} otherNames={[]} onClose={() => {}} onSaved={onSaved} />);
    const form = screen.getByTestId("source-form");
    expect(within(form).getByTestId("source-linear-teams")).toHaveValue("ENG");
    expect(within(form).getByTestId("source-linear-oauth")).toBeChecked();
    expect(within(form).getByText("OAuth access token")).toBeInTheDocument();
    fireEvent.click(within(form).getByTestId("source-save"));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(last(calls, "sources_edit")?.args.input).toMatchObject({
      token: null,
      scope: { kind: "linear", teams: ["ENG"], oauth: true },
    });
  });
});
