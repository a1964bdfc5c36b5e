import { useState } from 'react';
import { formatClock } from '../../lib/format.js';
import { niceMax, useElementWidth } from './use-element-width.js';

interface BarChartProps {
  values: readonly number[];
  /** Start time of the first bucket (ms) and the bucket width. */
  start: number;
  bucketMs: number;
  height?: number;
  label: string;
  unit: string;
}

const PAD = { top: 8, right: 8, bottom: 20, left: 28 };

/** A small SVG column chart (one bar per bucket), with a hover read-out. No chart library. */
export function BarChart({ values, start, bucketMs, height = 160, label, unit }: BarChartProps) {
  const [ref, width] = useElementWidth<HTMLDivElement>();
  const [hover, setHover] = useState<number | null>(null);
  const max = niceMax(Math.max(0, ...values));
  const innerW = Math.max(0, width - PAD.left - PAD.right);
  const innerH = height - PAD.top - PAD.bottom;
  const slot = values.length > 0 ? innerW / values.length : 0;
  const barW = Math.max(1, slot * 0.7);
  const total = values.reduce((a, b) => a + b, 0);
  const y = (v: number) => PAD.top + innerH - (v / max) * innerH;
  const hovered = hover === null ? undefined : values[hover];

  return (
    <div ref={ref} className="chart" style={{ height }}>
      {width > 0 && (
        <svg
          width={width}
          height={height}
          role="img"
          aria-label={`${label}: ${total} in the last hour, peak ${Math.max(0, ...values)} ${unit}`}
          onMouseLeave={() => setHover(null)}
          onMouseMove={(e) => {
            const x = e.clientX - e.currentTarget.getBoundingClientRect().left - PAD.left;
            const i = Math.floor(x / slot);
            setHover(i >= 0 && i < values.length ? i : null);
          }}
        >
          {[0, 0.5, 1].map((f) => (
            <g key={f}>
              <line className="chart__grid" x1={PAD.left} x2={width - PAD.right} y1={y(max * f)} y2={y(max * f)} />
              <text className="chart__tick" x={PAD.left - 6} y={y(max * f) + 3} textAnchor="end">
                {Number.isInteger(max * f) ? max * f : (max * f).toFixed(1)}
              </text>
            </g>
          ))}
          {values.map((v, i) => (
            <rect
              key={i}
              className={`chart__bar ${hover === i ? 'chart__bar--hover' : ''}`}
              x={PAD.left + i * slot + (slot - barW) / 2}
              y={y(v)}
              width={barW}
              height={Math.max(0, PAD.top + innerH - y(v))}
              rx={Math.min(2, barW / 2)}
            />
          ))}
          <text className="chart__tick" x={PAD.left} y={height - 4}>
            -60m
          </text>
          <text className="chart__tick" x={PAD.left + innerW / 2} y={height - 4} textAnchor="middle">
            -30m
          </text>
          <text className="chart__tick" x={width - PAD.right} y={height - 4} textAnchor="end">
            now
          </text>
        </svg>
      )}
      {hover !== null && hovered !== undefined && (
        <div className="chart__tooltip" style={{ left: Math.min(width - 120, Math.max(0, PAD.left + hover * slot - 50)) }}>
          <strong>{hovered}</strong> {unit} · {formatClock(start + hover * bucketMs)}
        </div>
      )}
    </div>
  );
}
