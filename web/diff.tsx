import { useEffect, useRef, useState } from 'preact/hooks';
import type { AppCell } from '../src/dashboard/model.js';

/**
 * A modal with one Application's diff (live against Git, Secret values masked by the server).
 * Escape or the Close button closes it; focus moves in on open and back to the cell on close.
 */
export function DiffDialog({ cell, onClose }: { cell: AppCell; onClose: () => void }) {
  const [text, setText] = useState('Loading the diff…');
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const back = document.activeElement as HTMLElement | null;
    close.current?.focus();
    const controller = new AbortController();
    fetch(`/api/v1/dashboard/diff?app=${encodeURIComponent(`${cell.namespace}/${cell.application}`)}`, { signal: controller.signal })
      .then((r) => r.text()).then(setText).catch((err: Error) => { if (err.name !== 'AbortError') setText(`Could not load the diff: ${err.message}`); });
    const onKey = (e: KeyboardEvent) => { if (e.key === 'Escape') onClose(); };
    document.addEventListener('keydown', onKey);
    return () => { controller.abort(); document.removeEventListener('keydown', onKey); back?.focus(); };
  }, [cell.namespace, cell.application]);
  return (
    <div class="backdrop" onClick={(e) => { if (e.target === e.currentTarget) onClose(); }}>
      <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="diff-title">
        <header><h3 id="diff-title">Diff of {cell.application}</h3><button type="button" ref={close} onClick={onClose}>Close</button></header>
        <p>{cell.sync}/{cell.health} at {cell.revision || 'no revision'}; live (−) against Git (+), Secret values masked.</p>
        <pre class="diff" tabIndex={0} data-testid="diff">{text}</pre>
      </div>
    </div>
  );
}
