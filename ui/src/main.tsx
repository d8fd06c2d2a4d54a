import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App, createQueryClient } from "./app/App";
import { ViewErrorBoundary } from "./shared/ErrorBoundary";
import "./styles.css";

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
