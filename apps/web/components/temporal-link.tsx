/** A table row's link to its workflow in Temporal Web: an arrow, so the column stays narrow. */
export function TemporalLink({ href }: { href: string }) {
  return (
    <a href={href} target="_blank" rel="noreferrer" title="Open in Temporal Web" aria-label="Temporal Web">
      ↗
    </a>
  );
}
