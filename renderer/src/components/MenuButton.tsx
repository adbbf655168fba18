import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import '../styles/history.css';

export interface MenuChoice {
  label: string;
  onSelect: () => void;
}

interface MenuButtonProps {
  /** The button's name; the menu is named after it too. */
  label: string;
  icon?: ReactNode;
  choices: MenuChoice[];
  className?: string;
  disabled?: boolean;
}

/**
 * A button opening a short menu. The first choice has the focus when it opens; Up, Down, Home
 * and End move, Escape closes (the focus goes back to the button), a click outside closes.
 */
export function MenuButton({ label, icon, choices, className, disabled }: MenuButtonProps) {
  const [open, setOpen] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLUListElement>(null);
  const menuId = useId();

  useEffect(() => {
    if (!open) return;
    menuRef.current?.querySelector<HTMLButtonElement>('[role="menuitem"]')?.focus();
    const closeOutside = (event: MouseEvent) => {
      if (event.target instanceof Node && !rootRef.current?.contains(event.target)) setOpen(false);
    };
    document.addEventListener('mousedown', closeOutside);
    return () => document.removeEventListener('mousedown', closeOutside);
  }, [open]);

  function close() {
    setOpen(false);
    buttonRef.current?.focus();
  }

  function onMenuKeyDown(event: KeyboardEvent<HTMLUListElement>) {
    const items = Array.from(event.currentTarget.querySelectorAll<HTMLButtonElement>('[role="menuitem"]'));
    const index = items.indexOf(document.activeElement as HTMLButtonElement);
    const target =
      event.key === 'ArrowDown'
        ? items[(index + 1) % items.length]
        : event.key === 'ArrowUp'
          ? items[(index - 1 + items.length) % items.length]
          : event.key === 'Home'
            ? items[0]
            : event.key === 'End'
              ? items[items.length - 1]
              : undefined;
    if (target) {
      event.preventDefault();
      target.focus();
    } else if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      close();
    } else if (event.key === 'Tab') {
      setOpen(false);
    }
  }

  return (
    <div className="menu-anchor" ref={rootRef}>
      <button
        ref={buttonRef}
        type="button"
        className={className ?? 'button button-quiet'}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        disabled={disabled}
        onClick={() => setOpen((value) => !value)}
      >
        {icon}
        {label}
      </button>
      {open && (
        <ul id={menuId} className="menu" role="menu" aria-label={label} ref={menuRef} onKeyDown={onMenuKeyDown}>
          {choices.map((choice) => (
            <li key={choice.label} role="none">
              <button
                type="button"
                role="menuitem"
                className="menu-item"
                tabIndex={-1}
                onClick={() => {
                  close();
                  choice.onSelect();
                }}
              >
                {choice.label}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
