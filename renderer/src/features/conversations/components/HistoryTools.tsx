import { useRef, useState, type ChangeEvent } from 'react';
import { DismissibleError } from '../../../components/DismissibleError';
import { Icon } from '../../../components/Icon';
import { downloadFile } from '../../../lib/download';
import { describeError } from '../../../lib/errors';
import { readFileText } from '../../../lib/read-file';
import { exportAll, importConversations, useCanChange } from '../../../state';
import '../../../styles/history.css';

type Said = { ok: boolean; text: string };

/**
 * Export all (every conversation as one JSON file, downloaded) and Import (a file made by export,
 * picked with the system's file dialog); what happened is said underneath.
 */
export function HistoryTools() {
  const fileRef = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const canChange = useCanChange();
  const [said, setSaid] = useState<Said | null>(null);

  async function onExportAll() {
    setBusy(true);
    setSaid(null);
    const outcome = await exportAll();
    setBusy(false);
    if (outcome.ok) downloadFile(outcome.file);
    else setSaid({ ok: false, text: outcome.error });
  }

  async function onFile(event: ChangeEvent<HTMLInputElement>) {
    const input = event.currentTarget;
    const file = input.files?.[0];
    // Cleared so that picking the same file again imports it again.
    input.value = '';
    if (!file) return;
    setBusy(true);
    setSaid(null);
    try {
      const outcome = await importConversations(await readFileText(file));
      setSaid({ ok: outcome.ok, text: outcome.message });
    } catch (error) {
      setSaid({ ok: false, text: `Could not read ${file.name}: ${describeError(error)}` });
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="history-tools">
      <div className="history-buttons">
        <button type="button" className="button button-quiet button-small" disabled={busy || !canChange} onClick={() => void onExportAll()}>
          <Icon name="download" />
          Export all
        </button>
        <button type="button" className="button button-quiet button-small" disabled={busy || !canChange} onClick={() => fileRef.current?.click()}>
          <Icon name="upload" />
          Import
        </button>
        <input
          ref={fileRef}
          type="file"
          accept=".json,application/json"
          className="history-file"
          hidden
          tabIndex={-1}
          aria-label="Conversations file to import"
          onChange={(e) => void onFile(e)}
        />
      </div>
      {said && !said.ok && <DismissibleError message={said.text} onDismiss={() => setSaid(null)} className="history-notice" />}
      {said?.ok && (
        <p className="history-said" role="status">
          {said.text}
        </p>
      )}
    </div>
  );
}
