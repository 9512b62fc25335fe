import { describe, expect, it } from 'vitest';
import { isSafeBannerHref, normaliseBannerInput } from './banner-input.rules.js';
import { DomainError } from '../shared/errors.js';

describe('banner link safety (security rule 12)', () => {
  it.each([
    ['/legal/shipping-returns', true],
    ['/', true],
    ['https://shop.example/a?b=c#d', true],
    ['//evil.example', false],
    ['/\\evil.example', false],
    ['http://shop.example', false],
    ['javascript:alert(1)', false],
    [' javascript:alert(1)', false],
    ['mailto:a@b.c', false],
    ['https://', false],
    ['/a\nb', false],
    ['shop.example', false],
  ])('%s → %s', (href, ok) => {
    expect(isSafeBannerHref(href)).toBe(ok);
  });
});

describe('banner normalisation', () => {
  it('names every invalid field at once', () => {
    const attempt = () =>
      normaliseBannerInput(
        {
          enabled: true,
          items: [
            { message: ' ', sortOrder: 0, isActive: true },
            { message: 'ok', linkLabel: 'Go', linkHref: ' ', sortOrder: 1, isActive: true },
          ],
        },
        () => 'new-id',
      );
    expect(attempt).toThrow(DomainError);
    try {
      attempt();
    } catch (error) {
      expect((error as DomainError).details).toEqual({
        fields: {
          'items.0.message': ['Must not be blank'],
          'items.1.linkHref': ['A link label requires a link href'],
        },
      });
    }
  });
});
