import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactElement, ReactNode } from "react";
import { MetricPanelProvider } from "../metrics/MetricInfo";
import { useWorkspaceChanges } from "../workspace/queries";

/** Applies `workspaceChanged` events to the client, as the app shell does. */
function FollowChanges({ client, children }: { client: QueryClient; children: ReactNode }) {
  useWorkspaceChanges(client);
  return children;
}

export function renderWithClient(ui: ReactElement) {
  const client = new QueryClient({
    defaultOptions: { queries: { retry: false }, mutations: { retry: false } },
  });
  const result = render(
    <QueryClientProvider client={client}>
      <FollowChanges client={client}>
        <MetricPanelProvider>{ui}</MetricPanelProvider>
      </FollowChanges>
    </QueryClientProvider>,
  );
  return { ...result, client };
}

/** jsdom has no layout: give scroll containers a size so virtualised lists render rows. */
export function fakeLayout(height = 800, width = 1200) {
  for (const [prop, value] of [
    ["offsetHeight", height],
    ["offsetWidth", width],
    ["clientHeight", height],
    ["clientWidth", width],
  ] as const) {
    Object.defineProperty(HTMLElement.prototype, prop, { configurable: true, get: () => value });
  }
  HTMLElement.prototype.getBoundingClientRect = () =>
    ({
      x: 0,
      y: 0,
      top: 0,
      left: 0,
      bottom: height,
      right: width,
      width,
      height,
      toJSON: () => ({}),
    }) as DOMRect;
}
