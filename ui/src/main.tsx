import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App, createQueryClient } from "./app/App";
import { ViewErrorBoundary } from "./shared/ErrorBoundary";
import { mark } from "./shared/perf";
import "./styles.css";

// Every module of the startup bundle has run: the time to here is loading and parsing it.
mark("baton:modules-loaded");
const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <ViewErrorBoundary name="Baton" whole>
        <App client={createQueryClient()} />
      </ViewErrorBoundary>
    </StrictMode>,
  );
}
