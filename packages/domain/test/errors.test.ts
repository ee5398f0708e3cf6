import { ClassifiedError, isClassifiedError } from '../src';

describe('isClassifiedError', () => {
  it('recognises classified errors, also from another copy of the module (a bundle next to the server)', () => {
    expect(isClassifiedError(new ClassifiedError('x', 'transient', 'timeout'))).toBe(true);
    // what a second copy of the class produces: same brand, different constructor
    const foreign = Object.assign(new Error('y'), { errorClass: 'transient', [Symbol.for('blockops.classifiedError')]: true });
    expect(isClassifiedError(foreign)).toBe(true);
    expect(isClassifiedError(Object.assign(new Error('z'), { errorClass: 'transient' }))).toBe(false);
    expect(isClassifiedError(null)).toBe(false);
    expect(isClassifiedError('transient')).toBe(false);
  });
});
