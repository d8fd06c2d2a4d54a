//! A chart tooltip's text: a bold title, lines (an optional colour swatch, a bold figure) and a
//! muted hint. Names from sources are React text, never HTML.

export type TipLine = { color?: string; text: string; strong?: string; after?: string };

export function TipLines({ title, lines, hint }: { title: string; lines: TipLine[]; hint: string }) {
  return (
    <>
      <b>{title}</b>
      {lines.map((l, i) => (
        <div key={`${l.text}-${i.toString()}`}>
          {l.color ? <span className="chart-tip-swatch" style={{ background: l.color }} /> : null}
          {l.text}
          {l.strong !== undefined ? <b>{l.strong}</b> : null}
          {l.after}
        </div>
      ))}
      <div className="chart-tip-hint">{hint}</div>
    </>
  );
}
