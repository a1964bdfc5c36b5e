import { useVirtualizer } from '@tanstack/react-virtual';
import { ArrowDownToLine } from 'lucide-react';
import { useLayoutEffect, useRef, useState } from 'react';
import type { LogLineView } from 'switchboard/sdk';
import { useTaskLog } from '../../api/task-log-query.js';
import { Panel } from '../../components/panel.js';
import { EmptyState, ErrorState, SkeletonRows } from '../../components/states.js';
import { formatCount } from '../../lib/format.js';

/** Lines do not wrap (they scroll sideways), so every row has this height and none needs measuring. */
const LINE_HEIGHT_PX = 20;
/** This close to the bottom still counts as "at the bottom": following resumes there. */
const FOLLOW_SLACK_PX = 8;

const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

function LogLine({ line, newAttempt }: { line: LogLineView; newAttempt: boolean }) {
  return (
    <>
      <time className="log__time" dateTime={line.at}>
        {time.format(Date.parse(line.at))}
      </time>
      {/* The stream is written out, not only coloured: stderr and system lines read as such without colour. */}
      {line.stream !== 'stdout' && <span className="log__stream">{line.stream}</span>}
      <span className="log__text">{line.text}</span>
      {newAttempt && <span className="visually-hidden"> (attempt {line.attempt} begins)</span>}
    </>
  );
}

/**
 * The lines, virtualised (a 5 MiB log is tens of thousands of rows), following the tail
 * while the reader is at the bottom: scrolling up stops it, scrolling back down or
 * "Follow" resumes it.
 */
function LogLines({ lines }: { lines: readonly LogLineView[] }) {
  const scroller = useRef<HTMLDivElement>(null);
  const [follow, setFollow] = useState(true);
  const virtualizer = useVirtualizer({
    count: lines.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => LINE_HEIGHT_PX,
    overscan: 30,
    getItemKey: (i) => lines[i]?.seq ?? i,
  });

  // Before paint, so a new line never shows one frame above the bottom.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (follow && el !== null) el.scrollTop = el.scrollHeight;
  }, [follow, lines.length]);

  const onScroll = () => {
    const el = scroller.current;
    if (el !== null) setFollow(el.scrollHeight - el.scrollTop - el.clientHeight <= FOLLOW_SLACK_PX);
  };

  return (
    <>
      <div
        ref={scroller}
        className="log"
        role="log"
        // Polite announcements of every line would drown a screen reader while an agent streams.
        aria-live="off"
        aria-label="Task log"
        tabIndex={0}
        onScroll={onScroll}
        data-testid="task-log-lines"
        data-following={follow}
      >
        <div className="log__canvas" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((row) => {
            const line = lines[row.index] as LogLineView;
            const previous = lines[row.index - 1];
            const newAttempt = previous !== undefined && previous.attempt !== line.attempt;
            return (
              <div
                key={row.key}
                className={newAttempt ? 'log__line log__line--attempt' : 'log__line'}
                data-stream={line.stream}
                data-seq={line.seq}
                style={{ transform: `translateY(${row.start}px)`, height: LINE_HEIGHT_PX }}
              >
                <LogLine line={line} newAttempt={newAttempt} />
              </div>
            );
          })}
        </div>
      </div>
      <button type="button" className="button button--ghost log__follow" aria-pressed={follow} onClick={() => setFollow(!follow)}>
        <ArrowDownToLine size={14} aria-hidden="true" /> Follow
      </button>
    </>
  );
}

const lineCount = (n: number) => `${formatCount(n)} ${n === 1 ? 'line' : 'lines'}`;

/** The task's log: what was stored so far, then each line as the agent sends it. */
export function TaskLogPanel({ taskId }: { taskId: string }) {
  const log = useTaskLog(taskId);
  return (
    <Panel id="log" title="Log" testId="task-log" meta={log.data === undefined ? undefined : lineCount(log.data.lines.length)}>
      {log.data?.truncated === true && (
        <p className="log__notice" role="note" data-testid="log-truncated">
          Log truncated: the task's log reached the server's size cap, and later lines were not kept.
        </p>
      )}
      {/* Lines held win over a failed catch-up: live lines keep coming, and the next connect reads again. */}
      {log.data === undefined ? (
        log.isError ? (
          <ErrorState error={log.error} onRetry={() => void log.refetch()} />
        ) : (
          <SkeletonRows rows={4} height={20} />
        )
      ) : log.data.lines.length === 0 ? (
        <EmptyState title="No log lines yet">Lines appear here as the agent sends them.</EmptyState>
      ) : (
        <LogLines lines={log.data.lines} />
      )}
    </Panel>
  );
}
