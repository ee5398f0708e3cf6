/**
 * Semantic zoom: which groups open into their items for a given viewport. Pure, so it is tested
 * without a browser.
 */
import type { DagLayout } from './layout';

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Zoom from which groups in view open into their items. */
export const EXPAND_ZOOM = 0.5;
/** Never more items than this on screen at once: beyond it groups stay collapsed. */
export const MAX_EXPANDED_ITEMS = 1500;

/** The part of the flow a viewport {x, y, zoom} of `width` × `height` pixels shows. */
export function viewRect(vp: { x: number; y: number; zoom: number }, width: number, height: number): Rect {
  return { x: -vp.x / vp.zoom, y: -vp.y / vp.zoom, w: width / vp.zoom, h: height / vp.zoom };
}

const overlaps = (a: Rect, b: Rect) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/**
 * Groups to show as items: those in view once zoomed in to EXPAND_ZOOM, as long as they add up to
 * at most `maxItems` (nearest to the centre of the view first). Sorted ascending.
 */
export function groupsToExpand(
  layout: Pick<DagLayout, 'groups'>,
  rect: Rect,
  zoom: number,
  opts: { minZoom?: number; maxItems?: number } = {},
): number[] {
  if (zoom < (opts.minZoom ?? EXPAND_ZOOM)) return [];
  const cx = rect.x + rect.w / 2;
  const cy = rect.y + rect.h / 2;
  const inView = layout.groups
    .map((g, k) => ({ k, g, d: Math.hypot(g.x + g.w / 2 - cx, g.y + g.h / 2 - cy) }))
    .filter(({ g }) => overlaps(rect, { x: g.x, y: g.y, w: g.w, h: g.h }))
    .sort((a, b) => a.d - b.d);
  const out: number[] = [];
  let items = 0;
  const max = opts.maxItems ?? MAX_EXPANDED_ITEMS;
  for (const { k, g } of inView) {
    if (items + g.size > max) break;
    items += g.size;
    out.push(k);
  }
  return out.sort((a, b) => a - b);
}
