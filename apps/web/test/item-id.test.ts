import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { ItemId } from '../components/item-id';

const parts = (id: string) => {
  const html = renderToStaticMarkup(createElement(ItemId, { id }));
  const head = /class="item-id-head">([^<]*)</.exec(html)?.[1];
  const tail = /class="item-id-tail">([^<]*)</.exec(html)?.[1];
  return { html, head, tail };
};

test('a long id keeps its last 8 characters whole: only the head may be cut to fit', () => {
  const id = 'payroll-2026-12-07-c512-l9';
  const { html, head, tail } = parts(id);
  expect(tail).toBe('-c512-l9');
  expect(`${head}${tail}`).toBe(id);
  expect(html).toContain(`title="${id}"`);
});

test('an id of at most 8 characters is one piece; one longer keeps its last 8 apart', () => {
  expect(parts('a-1')).toMatchObject({ head: 'a-1', tail: undefined });
  expect(parts('abc-c0-1')).toMatchObject({ head: 'abc-c0-1', tail: undefined });
  expect(parts('wmxcp5sj1-c0-l4')).toMatchObject({ head: 'wmxcp5s', tail: 'j1-c0-l4' });
});

test('the title can say more than the id (the DAG node adds its status)', () => {
  const html = renderToStaticMarkup(createElement(ItemId, { id: 'x', title: 'x · EXECUTED' }));
  expect(html).toContain('title="x · EXECUTED"');
});
