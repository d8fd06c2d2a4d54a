//! Catches a view's render errors so one broken view never blanks the window.

import { Component, type ErrorInfo, Fragment, type ReactNode } from "react";
import { Icon } from "./Icon";

type Props = { name: string; children: ReactNode; onReload?: () => void };
type State = { error: Error | null; attempt: number };

export class ViewErrorBoundary extends Component<Props, State> {
  override state: State = { error: null, attempt: 0 };

  static getDerivedStateFromError(error: unknown): Partial<State> {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.error(`The ${this.props.name} view failed`, error, info.componentStack);
  }

  private reload = () => {
    this.props.onReload?.();
    this.setState((s) => ({ error: null, attempt: s.attempt + 1 }));
  };

  override render() {
    const { error, attempt } = this.state;
    if (error) {
      return (
        <div className="state state-error view-crash" role="alert" data-testid="view-error">
          <p className="state-title">
            <Icon name="alert" /> The {this.props.name} view stopped working
          </p>
          <p className="state-message">{error.message || error.name}</p>
          <p className="state-body">
            The rest of Baton still works. Reloading the view asks the workspace for fresh data.
          </p>
          <div className="state-actions">
            <button type="button" className="btn btn-primary" onClick={this.reload}>
              <Icon name="refresh" /> Reload view
            </button>
          </div>
        </div>
      );
    }
    return <Fragment key={attempt}>{this.props.children}</Fragment>;
  }
}
