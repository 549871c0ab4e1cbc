'use client';
// Keeps a panel's render failure inside the panel, so the rest of the dashboard still shows. Failures to
// load data are caught on the server (load-panel.ts) with their message; what reaches this boundary is
// unexpected, and in production React hides a server error's message behind a digest.
import { Component, type ReactNode } from 'react';
import { PanelError } from './panel-error';

interface PanelErrorBoundaryProps {
  children: ReactNode;
}

interface PanelErrorBoundaryState {
  error: (Error & { digest?: string }) | null;
}

export class PanelErrorBoundary extends Component<PanelErrorBoundaryProps, PanelErrorBoundaryState> {
  override state: PanelErrorBoundaryState = { error: null };

  static getDerivedStateFromError(error: unknown): PanelErrorBoundaryState {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override render(): ReactNode {
    const { error } = this.state;
    if (error === null) return this.props.children;
    if (error.digest !== undefined)
      return <PanelError message="the server failed to render it." digest={error.digest} />;
    return <PanelError message={error.message} />;
  }
}
