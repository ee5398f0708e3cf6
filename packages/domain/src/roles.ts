/** Who may call what: a viewer reads, an operator reads and controls (DESIGN.md §6). */
export const ROLES = ['viewer', 'operator'] as const;
export type Role = (typeof ROLES)[number];
