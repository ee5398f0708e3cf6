/** Who may call what: a viewer reads, an operator reads and controls (DESIGN.md §6). */
export type Role = 'viewer' | 'operator';
