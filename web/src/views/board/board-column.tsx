import { useVirtualizer } from '@tanstack/react-virtual';
import { ChevronLeft, ChevronRight } from 'lucide-react';
import { useRef, type ReactNode } from 'react';
import type { TaskView } from 'switchboard/sdk';
import type { AttentionReason } from '../../lib/attention.js';
import { formatCount } from '../../lib/format.js';
import { TaskCard, type CardAction } from './task-card.js';

/** First guess of a card's height; real heights are measured as cards render. */
const CARD_ESTIMATE_PX = 128;
const CARD_GAP_PX = 8;

interface ColumnProps {
  id: string;
  title: string;
  tone: string;
  tasks: readonly TaskView[];
  reasons?: ReadonlyMap<string, readonly AttentionReason[]>;
  onAction: (action: CardAction, task: TaskView) => void;
  collapsed?: boolean;
  onToggle?: () => void;
  empty: ReactNode;
  lane?: boolean;
}

/**
 * One board column, virtualised: only the cards in view (plus a few) are in the DOM,
 * so a column of 10,000 tasks scrolls as smoothly as one of ten.
 */
export function BoardColumn({ id, title, tone, tasks, reasons, onAction, collapsed = false, onToggle, empty, lane = false }: ColumnProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: collapsed ? 0 : tasks.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => CARD_ESTIMATE_PX + CARD_GAP_PX,
    overscan: 6,
    getItemKey: (i) => tasks[i]?.id ?? i,
  });
  const headingId = `column-${id}`;

  if (collapsed) {
    return (
      <section className={`column column--collapsed column--${tone}`} data-column={id} aria-labelledby={headingId}>
        <button
          type="button"
          className="column__expand"
          onClick={onToggle}
          aria-expanded="false"
          aria-label={`Expand ${title} (${tasks.length})`}
        >
          <ChevronRight size={14} aria-hidden="true" />
          <span id={headingId} className="column__vertical-title">
            {title}
          </span>
          <span className="column__count">{formatCount(tasks.length)}</span>
        </button>
      </section>
    );
  }

  return (
    <section
      className={`column column--${tone} ${lane ? 'column--lane' : ''}`}
      data-column={id}
      data-lane={lane ? 'attention' : undefined}
      aria-labelledby={headingId}
    >
      <header className="column__header">
        <span className="column__dot" aria-hidden="true" />
        <h2 id={headingId} className="column__title">
          {title}
        </h2>
        <span className="column__count">{formatCount(tasks.length)}</span>
        {onToggle !== undefined && (
          <button
            type="button"
            className="icon-button icon-button--small"
            onClick={onToggle}
            aria-expanded="true"
            aria-label={`Collapse ${title}`}
          >
            <ChevronLeft size={14} aria-hidden="true" />
          </button>
        )}
      </header>
      <div ref={scroller} className="column__body" tabIndex={-1}>
        {tasks.length === 0 ? (
          <div className="column__empty">{empty}</div>
        ) : (
          <div className="column__inner" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((item) => {
              const task = tasks[item.index];
              if (task === undefined) return null;
              return (
                <div
                  key={item.key}
                  ref={virtualizer.measureElement}
                  data-index={item.index}
                  className="column__item"
                  style={{ transform: `translateY(${item.start}px)` }}
                >
                  <TaskCard task={task} reasons={reasons?.get(task.id)} onAction={onAction} />
                </div>
              );
            })}
          </div>
        )}
      </div>
    </section>
  );
}
