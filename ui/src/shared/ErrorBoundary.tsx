//! Catches a view's render errors so one broken view never blanks the window.

import { Component, type ErrorInfo, Fragment, type ReactNode } from "react";
import { Icon } from "./Icon";

type Props = {
  /** What failed, as the user knows it ("Overview"). */
  name: string;
  children: ReactNode;
  onReload?: () => void;
  /** The whole window rather than one view: reloading reloads the page. */
  whole?: boolean;
};
type State = { error: Error | null; attempt: number };

export class ViewErrorBoundary extends Component<Props, State> {
  override state: State = { error: null, attempt: 0 };

  static getDerivedStateFromError(error: unknown): Partial<State> {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidMount() {
    // React is running (the fallback counts): the boot guard must not replace the page.
    if (this.props.whole) window.__batonMounted = true;
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
            <Icon name="alert" />{" "}
            {this.props.whole
              ? "Baton's interface stopped working"
              : `The ${this.props.name} view stopped working`}
          </p>
          <p className="state-message">{error.message || error.name}</p>
          <p className="state-body">
            {this.props.whole
              ? "Your workspace is safe: nothing was written. Reloading the window starts the interface again."
              : "The rest of Baton still works. Reloading the view asks the workspace for fresh data."}
          </p>
          <div className="state-actions">
            {this.props.whole ? (
              <button type="button" className="btn btn-primary" onClick={() => window.location.reload()}>
                <Icon name="refresh" /> Reload the window
              </button>
            ) : (
              <button type="button" className="btn btn-primary" onClick={this.reload}>
                <Icon name="refresh" /> Reload view
              </button>
            )}
          </div>
        </div>
      );
    }
    return <Fragment key={attempt}>{this.props.children}</Fragment>;
  }
}
