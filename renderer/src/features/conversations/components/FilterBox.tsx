import { useId } from 'react';
import { Icon } from '../../../components/Icon';
import { setFilter, useFilter } from '../../../state';

/** Filters the list by title and searches message text. Escape clears it. */
export function FilterBox() {
  const filter = useFilter();
  const id = useId();
  return (
    <div className="filter">
      <label htmlFor={id} className="visually-hidden">
        Filter conversations
      </label>
      <Icon name="search" className="filter-icon" />
      <input
        id={id}
        className="filter-input"
        type="search"
        placeholder="Filter and search"
        autoComplete="off"
        spellCheck={false}
        value={filter}
        onChange={(e) => setFilter(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape' && filter) {
            e.preventDefault();
            setFilter('');
          }
        }}
      />
    </div>
  );
}
