/** Characters of an id kept whole at its end when the id is cut to fit. */
const TAIL = 8;

/**
 * An item id that fits its cell: cut in the middle, never at the end. The ids of one batch mostly
 * share a prefix (`payroll-2026-12-…`), so the end is the part that tells two rows apart.
 */
export function ItemId({ id, className, title = id }: { id: string; className?: string; title?: string }) {
  const cut = id.length > TAIL ? id.length - TAIL : id.length;
  return (
    <span className={`item-id${className ? ` ${className}` : ''}`} title={title}>
      <span className="item-id-head">{id.slice(0, cut)}</span>
      {cut < id.length ? <span className="item-id-tail">{id.slice(cut)}</span> : null}
    </span>
  );
}
