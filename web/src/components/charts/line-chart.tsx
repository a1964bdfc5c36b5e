import { useState } from 'react';
import { formatClock } from '../../lib/format.js';
import { niceMax, useElementWidth } from './use-element-width.js';

export interface LineSeries {
  key: string;
  label: string;
  /** CSS class suffix that sets the colour (chart__line--<tone>). */
  tone: string;
  points: readonly { t: number; v: number }[];
}

interface LineChartProps {
  series: readonly LineSeries[];
  from: number;
  to: number;
  height?: number;
  label: string;
}

const PAD = { top: 8, right: 8, bottom: 20, left: 32 };

function stepPath(points: readonly { t: number; v: number }[], x: (t: number) => number, y: (v: number) => number): string {
  let d = '';
  points.forEach((p, i) => {
    const px = x(p.t).toFixed(1);
    const py = y(p.v).toFixed(1);
    if (i === 0) d += `M${px},${py}`;
    else d += `H${px}V${py}`;
  });
  return d;
}

/** Value of a step series at time t (the last point at or before t). */
function valueAt(points: readonly { t: number; v: number }[], t: number): number | null {
  let found: number | null = null;
  for (const p of points) {
    if (p.t > t) break;
    found = p.v;
  }
  return found;
}

/** A small SVG step-line chart over a time window, first series filled. No chart library. */
export function LineChart({ series, from, to, height = 160, label }: LineChartProps) {
  const [ref, width] = useElementWidth<HTMLDivElement>();
  const [hoverT, setHoverT] = useState<number | null>(null);
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.points.map((p) => p.v))));
  const innerW = Math.max(1, width - PAD.left - PAD.right);
  const innerH = height - PAD.top - PAD.bottom;
  const span = Math.max(1, to - from);
  const x = (t: number) => PAD.left + ((Math.min(to, Math.max(from, t)) - from) / span) * innerW;
  const y = (v: number) => PAD.top + innerH - (v / max) * innerH;
  const baseline = PAD.top + innerH;

  return (
    <div ref={ref} className="chart" style={{ height }}>
      {width > 0 && (
        <svg
          width={width}
          height={height}
          role="img"
          aria-label={`${label}: ${series.map((s) => `${s.label} now ${s.points.at(-1)?.v ?? 0}`).join(', ')}`}
          onMouseLeave={() => setHoverT(null)}
          onMouseMove={(e) => {
            const px = e.clientX - e.currentTarget.getBoundingClientRect().left - PAD.left;
            setHoverT(px < 0 || px > innerW ? null : from + (px / innerW) * span);
          }}
        >
          {[0, 0.5, 1].map((f) => (
            <g key={f}>
              <line className="chart__grid" x1={PAD.left} x2={width - PAD.right} y1={y(max * f)} y2={y(max * f)} />
              <text className="chart__tick" x={PAD.left - 6} y={y(max * f) + 3} textAnchor="end">
                {Math.round(max * f)}
              </text>
            </g>
          ))}
          {series.map((s, i) => {
            const first = s.points[0];
            const last = s.points.at(-1);
            if (first === undefined || last === undefined) return null;
            const line = stepPath(s.points, x, y);
            return (
              <g key={s.key}>
                {i === 0 && <path className={`chart__area chart__area--${s.tone}`} d={`${line}V${baseline}H${x(first.t).toFixed(1)}Z`} />}
                <path className={`chart__line chart__line--${s.tone}`} d={line} />
              </g>
            );
          })}
          {hoverT !== null && <line className="chart__cursor" x1={x(hoverT)} x2={x(hoverT)} y1={PAD.top} y2={baseline} />}
          <text className="chart__tick" x={PAD.left} y={height - 4}>
            {formatClock(from)}
          </text>
          <text className="chart__tick" x={width - PAD.right} y={height - 4} textAnchor="end">
            now
          </text>
        </svg>
      )}
      {hoverT !== null && (
        <div className="chart__tooltip" style={{ left: Math.min(width - 150, Math.max(0, x(hoverT) - 60)) }}>
          <div className="chart__tooltip-time">{formatClock(hoverT)}</div>
          {series.map((s) => (
            <div key={s.key}>
              <span className={`legend__swatch legend__swatch--${s.tone}`} aria-hidden="true" /> {s.label}:{' '}
              <strong>{valueAt(s.points, hoverT) ?? '—'}</strong>
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
