import type { FitState } from '../state';

/**
 * Whether a model will run here, in one line (the host's label), with the reasons when it is
 * tight or too large. Nothing before it is asked.
 */
export function FitLabel({ state, showProblems = true }: { state: FitState | null; showProblems?: boolean }) {
  if (!state) return null;
  if (state.status === 'loading') return <p className="fit fit-checking">Checking whether it fits…</p>;
  if (state.status === 'error') return <p className="fit fit-unknown">Fit unknown: {state.error}</p>;
  const { fit } = state;
  return (
    <div className={`fit fit-${fit.verdict}`}>
      <span className="fit-label">{fit.label}</span>
      {showProblems && fit.verdict !== 'fits' && fit.problems.length > 0 && (
        <ul className="fit-problems">
          {fit.problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
