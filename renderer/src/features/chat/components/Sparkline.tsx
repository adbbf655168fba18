const WIDTH = 120;
const HEIGHT = 28;

/**
 * A small line of values, oldest on the left, scaled from 0 to the largest (an inline SVG; no chart
 * library for this). Nothing for fewer than two values.
 */
export function Sparkline({ values, label }: { values: number[]; label: string }) {
  if (values.length < 2) return null;
  const max = Math.max(...values) || 1;
  const step = WIDTH / (values.length - 1);
  const points = values
    .map((value, i) => `${(i * step).toFixed(1)},${(HEIGHT - 1 - (value / max) * (HEIGHT - 2)).toFixed(1)}`)
    .join(' ');
  return (
    <svg className="sparkline" role="img" aria-label={label} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} preserveAspectRatio="none">
      <polyline points={points} fill="none" stroke="currentColor" strokeWidth="1.5" vectorEffect="non-scaling-stroke" strokeLinejoin="round" />
    </svg>
  );
}
