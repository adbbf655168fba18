import type { Fit } from '../lib/contract';

/** The second question before a download the fit check says is too large for this computer. */
export function TooLargeConfirm({
  fit,
  onConfirm,
  onCancel,
  disabled,
}: {
  fit: Fit;
  onConfirm: () => void;
  onCancel: () => void;
  disabled?: boolean;
}) {
  return (
    <div className="too-large" role="alert">
      <p className="too-large-title">{fit.label}</p>
      {fit.problems.length > 0 && (
        <ul className="fit-problems">
          {fit.problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      )}
      <p className="muted">It may not load, or may make this computer slow. Download it anyway?</p>
      <div className="inline-row">
        <button type="button" className="button button-danger" onClick={onConfirm} disabled={disabled}>
          Download anyway
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Don&apos;t download
        </button>
      </div>
    </div>
  );
}
