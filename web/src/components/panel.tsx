import type { ReactNode } from 'react';

/** A titled panel of a view; the heading names the section for assistive technology (`aria-labelledby`). */
export function Panel({
  id,
  title,
  meta,
  testId,
  children,
}: {
  id: string;
  title: string;
  meta?: ReactNode;
  testId?: string;
  children: ReactNode;
}) {
  const titleId = `${id}-title`;
  return (
    <section className="panel" aria-labelledby={titleId} data-testid={testId}>
      <header className="panel__header">
        <h2 id={titleId} className="panel__title">
          {title}
        </h2>
        {meta !== undefined && <span className="panel__meta">{meta}</span>}
      </header>
      {children}
    </section>
  );
}
