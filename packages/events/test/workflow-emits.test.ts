/** The worker's drop of a workflow event emitted twice by a task that ran again. */
import { workflowEmitDeduper } from '../src/workflow-emits';

test('the same run and number pass once; other runs, other numbers and unnumbered events always pass', () => {
  const fresh = workflowEmitDeduper();
  expect([fresh('run-a', 1), fresh('run-a', 2), fresh('run-a', 1), fresh('run-b', 1), fresh('run-a', 2)]).toEqual([
    true,
    true,
    false,
    true,
    false,
  ]);
  expect([fresh('run-a', undefined), fresh('run-a', undefined)]).toEqual([true, true]);
});

test('only the most recent numbers are kept', () => {
  const fresh = workflowEmitDeduper(3);
  for (const n of [1, 2, 3, 4]) expect(fresh('r', n)).toBe(true);
  expect(fresh('r', 1)).toBe(true); // forgotten: the oldest went when the 4th came
  expect(fresh('r', 4)).toBe(false);
});
