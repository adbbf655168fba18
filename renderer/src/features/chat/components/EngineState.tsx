import type { Conversation, EngineStatus, ModelFile } from '../../../lib/contract';
import { loadModel, unloadModel, useCanChange, useEngine, useModel } from '../../../state';

function describe(engine: EngineStatus, loaded: ModelFile | null, ownModelId: string | null): string {
  const name = loaded?.fileName ?? 'the model';
  switch (engine.state) {
    case 'loading': {
      const percent = engine.progress === null ? '' : ` ${Math.round(engine.progress * 100)}%`;
      return `Loading ${name}…${percent}`;
    }
    case 'ready':
      return engine.modelId === ownModelId ? `Ready · ${name}` : `${name} is loaded`;
    case 'error':
      return `Engine error: ${engine.error ?? 'the model could not be loaded'}`;
    case 'idle':
      return ownModelId ? 'Not loaded · loads when you send' : 'Engine idle';
  }
}

/** The engine's state in words, with Load and Unload. */
export function EngineState({ conversation }: { conversation: Conversation }) {
  const engine = useEngine();
  const loaded = useModel(engine?.modelId ?? null);
  const own = useModel(conversation.modelId);
  const canChange = useCanChange();
  if (!engine) return null;

  const inMemory = engine.modelId !== null && (engine.state === 'ready' || engine.state === 'loading');
  const canLoad =
    own !== null &&
    own.problem === null &&
    engine.state !== 'loading' &&
    !(engine.state === 'ready' && engine.modelId === own.id);

  return (
    <div className="engine">
      <span className={`engine-state engine-${engine.state}`} data-engine-state={engine.state} aria-live="polite">
        <span className="engine-dot" aria-hidden="true" />
        {describe(engine, loaded, conversation.modelId)}
      </span>
      {engine.state === 'loading' && engine.progress !== null && (
        <progress className="engine-progress" max={1} value={engine.progress} aria-label="Loading the model" />
      )}
      {canLoad && (
        <button type="button" className="button button-small" disabled={!canChange} onClick={() => void loadModel(own.id)}>
          Load
        </button>
      )}
      {inMemory && (
        <button type="button" className="button button-small" disabled={!canChange} onClick={() => void unloadModel()}>
          Unload
        </button>
      )}
    </div>
  );
}
