//! What the Sources screen says about a source: its scope in a line, what a failure code means
//! and what to do about it, run statuses, durations. The UI branches on codes, never on message
//! text; Rust's message is always shown as well (it names the repository, URL or scope).

import type { ErrorCode, FileFormat, RunStatus, SourceKind, SourceView } from "../lib/ipc";
import { displayLocale, formatDateTime, plural } from "../shared/format";

/** The API root of github.com (an empty base URL means the same). */
export const GITHUB_API = "https://api.github.com";

/** gitlab.com (an empty base URL means the same). */
export const GITLAB_COM = "https://gitlab.com";

/** A failure explained: a headline, what to do, and (for the person who wants it) the code. */
export type Explained = { title: string; hint: string };

/** Token scopes each source needs, as the forms and the missing-scope message list them. */
export const TOKEN_SCOPES: Record<
  "github" | "jira" | "gitlab" | "linear",
  { summary: string; details: string[] }
> = {
  github: {
    summary: "Issues: read, Pull requests: read and Metadata: read",
    details: [
      "Fine-grained token (recommended): access to the repositories (or all of the organisation's) with Issues: read, Pull requests: read and Metadata: read.",
      "Classic token: repo (private repositories) or public_repo (public only); add read:org to list an organisation's repositories.",
    ],
  },
  jira: {
    summary: "an account that can browse the projects",
    details: [
      "An Atlassian API token (id.atlassian.com → Security → API tokens) of an account that can browse the projects; it is sent with the e-mail.",
      "Scoped API tokens need read:jira-work and read:jira-user.",
    ],
  },
  gitlab: {
    summary: "the read_api scope",
    details: [
      "A personal, group or project access token with the read_api scope (User settings → Access tokens), of an account that is at least a Reporter in the projects.",
      "On a self-managed instance, the same token kinds and scope.",
    ],
  },
  linear: {
    summary: "read access to the teams",
    details: [
      "A personal API key (Linear → Settings → Security & access → Personal API keys) with read access, of a member of the teams; it is sent as it is, without “Bearer”.",
      "Or an OAuth access token with the read scope (tick “OAuth token”: it is sent as Bearer).",
    ],
  },
};

function kindName(kind: SourceKind | null | undefined): string {
  return kind === "jira"
    ? "Jira"
    : kind === "github"
      ? "GitHub"
      : kind === "gitlab"
        ? "GitLab"
        : kind === "linear"
          ? "Linear"
          : kind === "file"
            ? "the file"
            : "the source";
}

/** The layouts a file source reads, as people name them. */
export const FILE_FORMAT_LABELS: Record<FileFormat, string> = {
  baton_jsonl: "Baton JSON lines",
  jira_csv: "Jira CSV export",
  states_csv: "CSV, one column per state",
};

/**
 * What a failure code means for the person, with what to do. `kind` adapts the advice to GitHub
 * or Jira (and `stream`, the part of the source that failed, where it matters); `missingScope` is the permission Rust says the token lacks (sent as data: the UI
 * never reads Rust's sentence). The `switch` covers every `ErrorCode`: a code Rust adds does not
 * compile until it is explained here.
 */
export function explain(
  code: ErrorCode | null,
  kind?: SourceKind | null,
  missingScope?: string | null,
  stream?: string | null,
): Explained {
  const source = kindName(kind);
  switch (code) {
    case "auth_bad_token":
      return {
        title: `${source} refused the token`,
        hint: "It may be mistyped, expired or revoked. Paste it again, or create a new one.",
      };
    case "auth_missing_scope": {
      return {
        title: missingScope
          ? `The token is missing a permission: ${missingScope}`
          : "The token is missing a permission",
        hint:
          kind === "jira"
            ? `It needs ${TOKEN_SCOPES.jira.summary} (scoped tokens: read:jira-work and read:jira-user).`
            : kind === "gitlab"
              ? `It needs ${TOKEN_SCOPES.gitlab.summary}.`
              : kind === "linear"
                ? `It needs ${TOKEN_SCOPES.linear.summary}.`
                : `It needs ${TOKEN_SCOPES.github.summary} (classic tokens: repo, and read:org for an organisation).`,
      };
    }
    case "no_access":
      // Linear's projects and initiatives are read workspace-wide, not per team: a refusal there
      // is not about the team keys.
      if (kind === "linear" && stream === "intents") {
        return {
          title: "The key cannot read the workspace's projects or initiatives",
          hint: "The teams' issues still synced. Projects and initiatives become intents only when the key's account may see them: check its role in the Linear workspace.",
        };
      }
      return {
        title:
          kind === "jira"
            ? "The account cannot see this project"
            : kind === "gitlab"
              ? "The token cannot see this group or project"
              : kind === "linear"
                ? "The token cannot see this team"
                : "The token cannot see this repository or organisation",
        hint:
          kind === "jira"
            ? "Check the project keys, and that the account may browse them."
            : kind === "gitlab"
              ? "Check the paths (group/project), and that the token's account is a member with at least the Reporter role."
              : kind === "linear"
                ? "Check the team keys (the prefix of the team's issues, like ENG), and that the key's account is a member of the team."
                : "Check the names (owner/name), and that the token has access to them (a fine-grained token lists its repositories).",
      };
    case "wrong_url":
      return {
        title:
          kind === "jira"
            ? "This address is not a Jira Cloud site"
            : kind === "gitlab"
              ? "This address is not a GitLab instance"
              : kind === "linear"
                ? "This address is not Linear's API"
                : "This address is not a GitHub API",
        hint:
          kind === "jira"
            ? "Use the site's address, like https://your-site.atlassian.net."
            : kind === "gitlab"
              ? "Leave the address empty for gitlab.com; for a self-managed GitLab use its address, like https://gitlab.example.com."
              : kind === "linear"
                ? "Linear's API is https://api.linear.app."
                : "Leave the Enterprise URL empty for github.com; for GitHub Enterprise Server use https://HOST/api/v3.",
      };
    case "offline":
      return {
        title: `Cannot reach ${source}`,
        hint: "Check the network connection, a VPN or a proxy, and the address.",
      };
    case "timeout":
      return {
        title: `${source} did not answer in time`,
        hint: "It may be slow or busy. Try again in a minute; a sync resumes where it stopped.",
      };
    case "rate_limited":
      return {
        title: `${source} rate-limited the sync for too long`,
        hint: "Baton waits at most 15 minutes for a rate limit; the details below say when it resets. The next sync resumes where this one stopped; nothing is lost.",
      };
    case "server_error":
      return {
        title: `${source} failed (server error)`,
        hint: "This is on the source's side. The next sync retries from where this one stopped.",
      };
    case "refused":
      return {
        title: `${source} refused the request`,
        hint: "The details below say why. Check the source's settings.",
      };
    case "malformed_response":
      return {
        title: `${source} sent an answer Baton cannot read`,
        hint: "A proxy or a sign-in page may be answering instead of the API. Check the address.",
      };
    case "foreign_origin":
      return {
        title: `${source} pointed Baton to another address`,
        hint: "A next-page link or a redirect led away from the source's own address, so Baton stopped rather than send the token there. Use the API's own address (not one that redirects elsewhere), or check a proxy that rewrites links.",
      };
    case "sync_in_progress":
      return {
        title: "This source is already being synced",
        hint: "Another sync of it is running, in Baton's command line or another Baton window; the details below name the process. Try again when it has ended.",
      };
    case "canceled":
      return { title: "Canceled", hint: "The sync stopped; the next one resumes where it stopped." };
    case "interrupted":
      return {
        title: "The sync was interrupted",
        hint: "Baton closed or stopped during the run. The next sync resumes where it stopped.",
      };
    case "keychain_unavailable":
      return {
        title: "No system keychain is available",
        hint: "Baton keeps tokens only in the operating system's keychain (Keychain on macOS, Credential Manager on Windows, a Secret Service such as GNOME Keyring or KWallet on Linux), never in the workspace file. Start or install one, then try again. Until then, the command line can sync with a token from an environment variable: baton sync FILE --source NAME --token-env VAR.",
      };
    case "keychain_failed":
      return {
        title: "The system keychain refused the token",
        hint: "The keychain may be locked. Unlock it (it may ask for your login password) and try again.",
      };
    case "secret_missing":
      return {
        title: "No token is stored for this source",
        hint: "Edit the source and enter its token again.",
      };
    case "invalid_source":
      return { title: "The source's settings are incomplete", hint: "The details below say what to change." };
    case "no_workspace":
      return { title: "No workspace is open", hint: "Open or create a workspace, then try again." };
    case "workspace_read_only":
      return {
        title: "This workspace is open read-only",
        hint: "Its file or folder cannot be written, so sources cannot be saved or synced here. Open a copy in a folder you can write to.",
      };
    case "workspace_not_baton":
    case "workspace_corrupt":
    case "workspace_newer_schema":
    case "workspace_not_a_file":
    case "workspace_being_created":
    case "workspace_needs_upgrade":
    case "io":
    case "database":
    case "migration":
      return {
        title: "The workspace file could not be written",
        hint: "The details below say what went wrong with the file.",
      };
    case "already_exists":
    case "not_found":
    case "invalid":
    case "internal":
    case null:
      return { title: "It did not work", hint: "The details below say what went wrong." };
    default:
      return unexplained(code);
  }
}

/** A code no `case` covers: a compile error (the argument is `never`) until one does. */
function unexplained(code: never): Explained {
  return { title: "It did not work", hint: `The details below say what went wrong (${String(code)}).` };
}

/** A stream as the person reads it: "issues of acme/web", "the repository acme/gone", "issues of PAY". */
export function streamLabel(stream: string | null): string | null {
  if (!stream) return null;
  const at = stream.indexOf(":");
  const what = at < 0 ? stream : stream.slice(0, at);
  const where = at < 0 ? "" : stream.slice(at + 1);
  if (what === "repo") return where ? `the repository ${where}` : "the repository";
  // A Linear scope's team key no team has.
  if (what === "team") return where ? `the team ${where}` : "the team";
  const names: Record<string, string> = {
    issues: "issues",
    pulls: "pull requests",
    events: "issue events",
    statuses: "statuses",
    merge_requests: "merge requests",
    group: "the projects of group",
    // Linear's teams with their workflow states, and its projects and initiatives.
    teams: "teams and workflow states",
    intents: "projects and initiatives",
    // A file source's rows.
    rows: "rows of the file",
  };
  const label = names[what] ?? what;
  if (what === "group") return where ? `${label} ${where}` : label;
  return where ? `${label} of ${where}` : label;
}

export const RUN_STATUS_LABELS: Record<RunStatus, string> = {
  running: "Running",
  succeeded: "Succeeded",
  failed: "Failed",
  canceled: "Canceled",
  finished_with_errors: "Finished with errors",
};

function host(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** True for gitlab.com (no self-managed address). */
export function isGitlabCom(baseUrl: string): boolean {
  const trimmed = baseUrl.trim().replace(/\/+$/, "");
  return trimmed === "" || trimmed === GITLAB_COM;
}

/** True for github.com's API (no Enterprise URL). */
export function isGithubCom(baseUrl: string): boolean {
  const trimmed = baseUrl.trim().replace(/\/+$/, "");
  return trimmed === "" || trimmed === GITHUB_API;
}

/** What a source syncs, in one line ("Organisation acme", "3 repositories: …", "PAY, OPS"). */
export function scopeSummary(source: SourceView): string {
  const scope = source.scope;
  switch (scope?.kind) {
    case "jira": {
      const parts = [host(source.baseUrl)];
      if (scope.projects.length)
        parts.push(`${scope.projects.length === 1 ? "project" : "projects"} ${scope.projects.join(", ")}`);
      if (scope.jql) parts.push(`JQL: ${scope.jql}`);
      return parts.join(" · ");
    }
    case "github": {
      const where = isGithubCom(source.baseUrl) ? "" : ` on ${host(source.baseUrl)}`;
      if (scope.repos.length) {
        const shown = scope.repos.slice(0, 3).join(", ");
        const more = scope.repos.length > 3 ? ` and ${scope.repos.length - 3} more` : "";
        return `${plural(scope.repos.length, "repository", "repositories")}${where}: ${shown}${more}`;
      }
      if (scope.org) return `Organisation ${scope.org}${where}`;
      return source.baseUrl;
    }
    case "gitlab": {
      const parts = isGitlabCom(source.baseUrl) ? [] : [host(source.baseUrl)];
      if (scope.group) parts.push(`Group ${scope.group}`);
      if (scope.projects.length) {
        const shown = scope.projects.slice(0, 3).join(", ");
        const more = scope.projects.length > 3 ? ` and ${scope.projects.length - 3} more` : "";
        parts.push(`${plural(scope.projects.length, "project", "projects")}: ${shown}${more}`);
      }
      return parts.join(" · ");
    }
    case "linear":
      return scope.teams.length
        ? `${scope.teams.length === 1 ? "Team" : "Teams"} ${scope.teams.join(", ")}`
        : "Every team the key can see";
    case "file":
      return `${FILE_FORMAT_LABELS[scope.format]}: ${scope.path}`;
    case undefined:
      return source.baseUrl || "";
  }
}

const hourMinute = new Intl.DateTimeFormat(displayLocale(), { hour: "numeric", minute: "2-digit" });
const hourMinuteSecond = new Intl.DateTimeFormat(displayLocale(), {
  hour: "numeric",
  minute: "2-digit",
  second: "2-digit",
});

/** A time of day ("1:41 PM"), with the date when it is not today. */
export function clockTime(iso: string, now: Date = new Date(), seconds = false): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  if (at.toDateString() !== now.toDateString()) return formatDateTime(iso);
  return (seconds ? hourMinuteSecond : hourMinute).format(at);
}

const monthDayTime = new Intl.DateTimeFormat(displayLocale(), {
  month: "short",
  day: "numeric",
  hour: "numeric",
  minute: "2-digit",
});

/**
 * A run's start or end, short: "Nov 23, 1:40 PM" this year (the year otherwise); only the time
 * when `sameDayAs` falls on the same day (a run's end after its start).
 */
export function runTime(iso: string, sameDayAs?: string | null, now: Date = new Date()): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  if (sameDayAs) {
    const other = new Date(sameDayAs);
    if (!Number.isNaN(other.getTime()) && other.toDateString() === at.toDateString()) {
      return hourMinute.format(at);
    }
  }
  return at.getFullYear() === now.getFullYear() ? monthDayTime.format(at) : formatDateTime(iso);
}

/** 0 s, 42 s, 3 min 5 s, 2 h 4 min. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return "—";
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}

/** Seconds between two RFC 3339 instants (null when either is missing or unreadable). */
export function secondsBetween(
  from: string | null | undefined,
  to: string | null | undefined,
): number | null {
  if (!from || !to) return null;
  const a = Date.parse(from);
  const b = Date.parse(to);
  return Number.isNaN(a) || Number.isNaN(b) ? null : (b - a) / 1000;
}
