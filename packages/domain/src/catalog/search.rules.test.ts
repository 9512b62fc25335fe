import { describe, expect, it } from 'vitest';
import { normaliseQuery, prefixTsQuery } from './search.rules.js';

describe('search query helpers', () => {
  it('trims and collapses whitespace', () => {
    expect(normaliseQuery('  moon   fox \t plush ')).toBe('moon fox plush');
  });

  it('builds an ANDed prefix query of alphanumeric tokens only', () => {
    expect(prefixTsQuery("Moon-Fox's  Plüsh 2099")).toBe('moon:* & fox:* & s:* & plüsh:* & 2099:*');
    expect(prefixTsQuery("'); drop table products; --")).toBe('drop:* & table:* & products:*');
    expect(prefixTsQuery('%% !!')).toBeNull();
  });
});
