// A dashboard panel: its heading stays put while its body loads in its own Suspense boundary, and an error
// in the body is caught by its own error boundary, so one slow or failing query holds up nothing else.
import { Suspense, type ReactNode } from 'react';
import { PanelErrorBoundary } from './panel-error-boundary';
import { PanelSkeleton } from './panel-skeleton';

interface PanelProps {
  /** The section's id (for anchors) and its test id `panel-<id>`. */
  id: string;
  title: string;
  /** Links shown beside the heading, such as a download. */
  actions?: ReactNode;
  /** Span the whole grid row. */
  wide?: boolean;
  skeletonRows?: number;
  children: ReactNode;
}

export function Panel({ id, title, actions, wide = false, skeletonRows, children }: PanelProps) {
  return (
    <section
      id={id}
      className={wide ? 'panel panel-wide' : 'panel'}
      aria-labelledby={`${id}-heading`}
      data-testid={`panel-${id}`}
    >
      <header className="panel-header">
        <h2 id={`${id}-heading`}>{title}</h2>
        {actions}
      </header>
      <PanelErrorBoundary>
        <Suspense fallback={<PanelSkeleton rows={skeletonRows} />}>{children}</Suspense>
      </PanelErrorBoundary>
    </section>
  );
}
