import { useEffect, useId, useRef, useState } from 'react';
import type { Conversation } from '../../../lib/contract';
import { renameConversation, useCanChange } from '../../../state';

interface RenameFieldProps {
  conversation: Conversation;
  onDone: () => void;
}

/** The title, editable in place: Enter saves, Escape cancels, leaving the field saves. */
export function RenameField({ conversation, onDone }: RenameFieldProps) {
  const [title, setTitle] = useState(conversation.title);
  const [problem, setProblem] = useState<string | null>(null);
  const finished = useRef(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const problemId = useId();
  const canChange = useCanChange();

  useEffect(() => {
    inputRef.current?.focus();
    inputRef.current?.select();
  }, []);

  function finish() {
    finished.current = true;
    onDone();
  }

  async function save() {
    if (finished.current) return;
    const trimmed = title.trim();
    if (!trimmed) {
      setProblem('A title cannot be empty.');
      return;
    }
    if (trimmed === conversation.title || !canChange) {
      finish();
      return;
    }
    finished.current = true;
    const ok = await renameConversation(conversation.id, trimmed);
    if (ok) onDone();
    else finished.current = false;
  }

  return (
    <div className="rename">
      <input
        ref={inputRef}
        className="rename-input"
        aria-label="Conversation title"
        aria-invalid={problem ? true : undefined}
        aria-describedby={problem ? problemId : undefined}
        value={title}
        maxLength={200}
        onChange={(e) => {
          setTitle(e.target.value);
          setProblem(null);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            void save();
          } else if (e.key === 'Escape') {
            e.preventDefault();
            e.stopPropagation();
            finish();
          }
        }}
        onBlur={() => {
          if (!finished.current && title.trim()) void save();
          else if (!finished.current) finish();
        }}
      />
      {problem && (
        <p id={problemId} className="rename-problem" role="alert">
          {problem}
        </p>
      )}
    </div>
  );
}
