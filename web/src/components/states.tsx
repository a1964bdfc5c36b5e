import { AlertTriangle, Inbox, RotateCw } from 'lucide-react';
import type { ReactNode } from 'react';
import { errorMessage } from '../api/client.js';

/** Grey placeholder blocks shown while data loads (never a full-page spinner). */
export function Skeleton({ width, height = 14, className }: { width?: number | string; height?: number | string; className?: string }) {
  return <span className={`skeleton ${className ?? ''}`} style={{ width, height }} aria-hidden="true" />;
}

export function SkeletonRows({ rows = 4, height = 44 }: { rows?: number; height?: number }) {
  return (
    <div className="skeleton-rows" aria-busy="true" aria-label="Loading">
      {Array.from({ length: rows }, (_, i) => (
        <Skeleton key={i} height={height} width="100%" />
      ))}
    </div>
  );
}

export function EmptyState({ title, children, icon }: { title: string; children?: ReactNode; icon?: ReactNode }) {
  return (
    <div className="empty-state">
      <div className="empty-state__icon" aria-hidden="true">
        {icon ?? <Inbox size={20} />}
      </div>
      <div className="empty-state__title">{title}</div>
      {children !== undefined && <div className="empty-state__body">{children}</div>}
    </div>
  );
}

export function ErrorState({ error, onRetry, title = 'Could not load this' }: { error: unknown; onRetry?: () => void; title?: string }) {
  return (
    <div className="error-state" role="alert">
      <AlertTriangle size={18} aria-hidden="true" />
      <div className="error-state__text">
        <div className="error-state__title">{title}</div>
        <div className="error-state__message">{errorMessage(error)}</div>
      </div>
      {onRetry !== undefined && (
        <button type="button" className="button button--ghost" onClick={onRetry}>
          <RotateCw size={14} aria-hidden="true" /> Retry
        </button>
      )}
    </div>
  );
}
