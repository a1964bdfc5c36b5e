import { useLayoutEffect, useRef, useState, type RefObject } from 'react';

/** Width of an element, kept current with a ResizeObserver (charts draw in real pixels). */
export function useElementWidth<T extends HTMLElement>(): [RefObject<T | null>, number] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const el = ref.current;
    if (el === null) return;
    setWidth(el.clientWidth);
    const observer = new ResizeObserver((entries) => {
      const entry = entries[0];
      if (entry !== undefined) setWidth(Math.round(entry.contentRect.width));
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}

/**
 * A "nice" upper bound for a count axis, so the mid gridline is a whole number too:
 * an even number up to 10 (at least `minimum`), then 1, 2, 4, 5 x 10^n.
 */
export function niceMax(max: number, minimum = 4): number {
  if (max <= minimum) return minimum;
  if (max <= 10) return Math.ceil(max / 2) * 2;
  const exp = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 4, 5, 10]) if (step * exp >= max) return step * exp;
  return 10 * exp;
}
